import { parseCloudFormationTemplate } from './cloudformationYaml';

describe('parseCloudFormationTemplate', () => {
  it('turns every short form into its long form', () => {
    const template = parseCloudFormationTemplate(`
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub \${AWS::AccountId}-x
      Tags:
        - {Key: a, Value: !Ref Name}
      Arn: !GetAtt Key.Arn
      Nested: !GetAtt [Stack, Outputs.Value]
      Zone: !Select [0, !GetAZs ""]
      Cond: !If [IsProd, !Sub ["\${A}", {A: !Ref X}], !Ref AWS::NoValue]
      Map: !FindInMap [Sizes, !Ref Size, Cpu]
`);
    const p = template.Resources.Bucket.Properties!;
    expect(p.BucketName).toEqual({ 'Fn::Sub': '${AWS::AccountId}-x' });
    expect(p.Tags).toEqual([{ Key: 'a', Value: { Ref: 'Name' } }]);
    expect(p.Arn).toEqual({ 'Fn::GetAtt': ['Key', 'Arn'] });
    expect(p.Nested).toEqual({ 'Fn::GetAtt': ['Stack', 'Outputs.Value'] });
    expect(p.Zone).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(p.Cond).toEqual({
      'Fn::If': ['IsProd', { 'Fn::Sub': ['${A}', { A: { Ref: 'X' } }] }, { Ref: 'AWS::NoValue' }],
    });
    expect(p.Map).toEqual({ 'Fn::FindInMap': ['Sizes', { Ref: 'Size' }, 'Cpu'] });
  });

  it('refuses a document without Resources', () => {
    expect(() => parseCloudFormationTemplate('Description: nothing')).toThrow(
      'not a CloudFormation template: it has no Resources section',
    );
  });
});
