import { parse, ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

/** CloudFormation's short-form intrinsic functions and the long-form key each stands for. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
};

/** `!GetAtt Resource.Attribute` means `Fn::GetAtt: [Resource, Attribute]`. */
function scalarValue(name: string, value: string): unknown {
  if (name !== 'GetAtt') return value;
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

function tagsFor(name: string, key: string): Array<ScalarTag | CollectionTag> {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => ({ [key]: scalarValue(name, value) }) },
    {
      tag,
      collection: 'seq',
      nodeClass: YAMLSeq,
      resolve: (seq: YAMLSeq.Parsed) => ({ [key]: seq.toJSON() }),
    } as unknown as CollectionTag,
    {
      tag,
      collection: 'map',
      nodeClass: YAMLMap,
      resolve: (map: YAMLMap.Parsed) => ({ [key]: map.toJSON() }),
    } as unknown as CollectionTag,
  ];
}

const cloudformationTags = Object.entries(INTRINSICS).flatMap(([name, key]) =>
  tagsFor(name, key),
);

/** A CloudFormation template as data: short-form tags turned into their long form. */
export type CloudFormationTemplate = {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, any>;
  Parameters?: Record<string, Record<string, any>>;
  Mappings?: Record<string, any>;
  Conditions?: Record<string, any>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, { Description?: string; Value: unknown; Export?: unknown }>;
};

export type CloudFormationResource = {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
  Properties?: Record<string, any>;
};

/** Parses a CloudFormation template written in YAML (short or long form) or JSON. */
export function parseCloudFormationTemplate(text: string): CloudFormationTemplate {
  const template = parse(text, { customTags: cloudformationTags, maxAliasCount: -1 });
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new Error('not a CloudFormation template: it has no Resources section');
  }
  return template as CloudFormationTemplate;
}
