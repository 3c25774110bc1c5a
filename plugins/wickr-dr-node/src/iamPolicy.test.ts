import fs from 'node:fs';
import path from 'node:path';
import { AwsCall, scanProductionCode, scanSource, waiterOperationFromSdk } from './iam/awsCalls';
import { actionsOfCall, requiredActions } from './iam/iamActions';
import { missingGrants, unneededGrants } from './iam/policyCoverage';
import {
  actionMatches,
  asList,
  MANAGED_POLICY_MAX_CHARACTERS,
  PolicyDocument,
  policyProblems,
  policySize,
} from './iam/policyDocument';

// Pure file reading: the production sources of plugins/*/src, the installed SDK
// packages (for what their waiters poll) and the policy document. No AWS, no network.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const policyFile = path.resolve(__dirname, '..', 'iam', 'portal-policy.json');
const readPolicy = (): PolicyDocument => JSON.parse(fs.readFileSync(policyFile, 'utf8'));

const noWaiters = () => undefined;
const operations = (source: string, resolveWaiter: (pkg: string, waiter: string) => string | undefined = noWaiters) =>
  scanSource(source, 'fixture.ts', resolveWaiter).calls.map(c => `${c.sdkPackage} ${c.operation} (${c.via})`);
const problems = (source: string) => scanSource(source, 'fixture.ts', noWaiters).problems.map(p => p.problem);

describe('the AWS call scanner', () => {
  it('reads commands and paginators from an import over several lines, aliases included', () => {
    const source = [
      'import {',
      '  CloudFormationClient,',
      '  DescribeStacksCommand as Describe,',
      '  DescribeChangeSetCommandOutput,',
      '  paginateDescribeStackEvents,',
      '  Stack,',
      "} from '@aws-sdk/client-cloudformation';",
    ].join('\n');
    expect(operations(source)).toEqual([
      '@aws-sdk/client-cloudformation DescribeStacks (DescribeStacksCommand)',
      '@aws-sdk/client-cloudformation DescribeStackEvents (paginateDescribeStackEvents)',
    ]);
  });

  it('ignores type-only imports and inline type specifiers, which call nothing', () => {
    const source = [
      "import type { DeleteStackCommand, Stack } from '@aws-sdk/client-cloudformation';",
      "import { type PutSecretValueCommand, GetSecretValueCommand } from \"@aws-sdk/client-secrets-manager\";",
      "export type { DeleteChangeSetCommand } from '@aws-sdk/client-cloudformation';",
    ].join('\n');
    expect(operations(source)).toEqual(['@aws-sdk/client-secrets-manager GetSecretValue (GetSecretValueCommand)']);
  });

  it('counts a re-export by name as a call, and refuses a re-export of everything', () => {
    expect(operations("export { GetTemplateCommand, ListStacksCommand as List } from '@aws-sdk/client-cloudformation';")).toEqual([
      '@aws-sdk/client-cloudformation GetTemplate (GetTemplateCommand)',
      '@aws-sdk/client-cloudformation ListStacks (ListStacksCommand)',
    ]);
    expect(problems("export * from '@aws-sdk/client-ecs';")).toEqual([
      're-exports everything of @aws-sdk/client-ecs; re-export its commands by name so the scan can see them',
    ]);
    expect(problems("export * as ecs from '@aws-sdk/client-ecs';")[0]).toMatch(/re-exports a namespace of @aws-sdk\/client-ecs/);
  });

  it('reads the members used of a namespace import', () => {
    const source = [
      "import * as cfn from '@aws-sdk/client-cloudformation';",
      'const client = new cfn.CloudFormationClient({});',
      "await client.send(new cfn.DeleteStackCommand({ StackName: 'x' }));",
      'const other = { cfn: 1 }.cfn;',
    ].join('\n');
    expect(operations(source)).toEqual(['@aws-sdk/client-cloudformation DeleteStack (DeleteStackCommand)']);
  });

  it('ignores imports in comments, and is not fooled by strings or regular expressions', () => {
    const source = [
      "// import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';",
      '/*',
      "import { CancelUpdateStackCommand } from '@aws-sdk/client-cloudformation';",
      '*/',
      "const url = 'https://example.test/a'; const quote = /it's/;",
      'const template = `${url} // not a comment`;',
      "import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch'; // a real one",
      "const text = \"import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'\".length;",
    ].join('\n');
    expect(operations(source)).toEqual(['@aws-sdk/client-cloudwatch ListMetrics (ListMetricsCommand)']);
  });

  it('ignores packages that are not SDK clients', () => {
    const source = [
      "import { parse as parseArn } from '@aws-sdk/util-arn-parser';",
      "import type { AwsCredentialIdentity } from '@aws-sdk/types';",
      "import { DescribeStacksCommand } from './cloudformation';",
    ].join('\n');
    expect(operations(source)).toEqual([]);
  });

  it('turns a waiter into the operation it polls, and reports one it cannot resolve', () => {
    const source = "import { waitUntilStackCreateComplete, waitForTasksRunning } from '@aws-sdk/client-cloudformation';";
    const resolve = (_pkg: string, waiter: string) => (waiter === 'waitUntilStackCreateComplete' ? 'DescribeStacks' : undefined);
    expect(operations(source, resolve)).toEqual([
      '@aws-sdk/client-cloudformation DescribeStacks (waitUntilStackCreateComplete)',
    ]);
    expect(scanSource(source, 'fixture.ts', resolve).problems.map(p => p.problem)).toEqual([
      'cannot tell which operation waitForTasksRunning of @aws-sdk/client-cloudformation polls (no dist-es/waiters file of the installed package names its command)',
    ]);
  });

  it("reads what a waiter polls from the installed SDK package's own waiter module", () => {
    expect(waiterOperationFromSdk('@aws-sdk/client-cloudformation', 'waitUntilChangeSetCreateComplete', __dirname)).toBe('DescribeChangeSet');
    expect(waiterOperationFromSdk('@aws-sdk/client-cloudformation', 'waitUntilStackUpdateComplete', __dirname)).toBe('DescribeStacks');
    expect(waiterOperationFromSdk('@aws-sdk/client-cloudformation', 'waitUntilNoSuchThing', __dirname)).toBeUndefined();
    expect(waiterOperationFromSdk('@aws-sdk/client-not-installed', 'waitUntilStackExists', __dirname)).toBeUndefined();
  });

  it('reports uses it cannot read: dynamic imports, require and default imports', () => {
    expect(problems("const { S3Client } = await import('@aws-sdk/client-s3');")).toEqual([
      'loads @aws-sdk/client-s3 with import(); import its commands by name so the scan can see them',
    ]);
    expect(problems("const s3 = require('@aws-sdk/client-s3');")[0]).toMatch(/with require\(\)/);
    expect(problems("import s3 from '@aws-sdk/client-s3';")[0]).toMatch(/as a default import \(s3\)/);
  });

  it('reads the Wickr admin API operations a client lists in WICKR_OPERATIONS', () => {
    const source = [
      '/** The admin API operations this client sends. */',
      'export const WICKR_OPERATIONS = [',
      "  'GetDataRetentionBot',",
      '  "UpdateDataRetention",',
      '] as const;',
    ].join('\n');
    expect(operations(source)).toEqual([
      'wickr GetDataRetentionBot (WICKR_OPERATIONS)',
      'wickr UpdateDataRetention (WICKR_OPERATIONS)',
    ]);
    expect(problems('export const WICKR_OPERATIONS = Object.keys(routes);')).toEqual([
      'exports WICKR_OPERATIONS, but not as an array of operation names in quotes',
    ]);
    expect(problems('export const WICKR_OPERATIONS = [...others];')).toHaveLength(1);
  });

  it('adds logs:Unmask where CloudWatch Logs events are read with unmask', () => {
    const source = [
      "import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';",
      'new GetLogEventsCommand({ logGroupName, logStreamName, unmask: true });',
    ].join('\n');
    expect(operations(source)).toEqual([
      '@aws-sdk/client-cloudwatch-logs GetLogEvents (GetLogEventsCommand)',
      '@aws-sdk/client-cloudwatch-logs Unmask (unmask: true)',
    ]);
  });
});

describe('the IAM actions of a call', () => {
  const call = (sdkPackage: string, operation: string): AwsCall => ({ sdkPackage, operation, via: `${operation}Command`, file: 'fixture.ts' });

  it('is <prefix>:<Operation> with the prefix of the client package', () => {
    expect(actionsOfCall(call('@aws-sdk/client-secrets-manager', 'PutSecretValue'))).toEqual({ actions: ['secretsmanager:PutSecretValue'] });
    expect(actionsOfCall(call('@aws-sdk/client-cloudwatch-logs', 'FilterLogEvents'))).toEqual({ actions: ['logs:FilterLogEvents'] });
    expect(actionsOfCall(call('wickr', 'GetDataRetentionBot'))).toEqual({ actions: ['wickr:GetDataRetentionBot'] });
  });

  it('follows the table where S3 names its permissions differently', () => {
    expect(actionsOfCall(call('@aws-sdk/client-s3', 'ListObjectVersions'))).toEqual({ actions: ['s3:ListBucketVersions'] });
    expect(actionsOfCall(call('@aws-sdk/client-s3', 'DeleteObjects'))).toEqual({ actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'] });
    expect(actionsOfCall(call('@aws-sdk/client-s3', 'GetObjectLockConfiguration'))).toEqual({ actions: ['s3:GetBucketObjectLockConfiguration'] });
    expect(actionsOfCall(call('@aws-sdk/client-s3', 'PutObject'))).toEqual({ actions: ['s3:PutObject'] });
  });

  it('names a client package without a known prefix instead of guessing', () => {
    expect(actionsOfCall(call('@aws-sdk/client-route-53', 'ListHostedZones'))).toEqual({
      problem: 'no IAM service prefix is known for @aws-sdk/client-route-53 (ListHostedZonesCommand in fixture.ts); add it to SERVICE_PREFIXES',
    });
  });

  it('adds the actions AWS checks along with an operation, saying which call needs them', () => {
    const { required } = requiredActions([call('@aws-sdk/client-secrets-manager', 'GetSecretValue')]);
    expect(required).toEqual([
      { action: 'kms:Decrypt', neededBy: ['secretsmanager:GetSecretValue (GetSecretValueCommand in fixture.ts)'] },
      { action: 'secretsmanager:GetSecretValue', neededBy: ['GetSecretValueCommand in fixture.ts'] },
    ]);
  });
});

describe('the policy checks', () => {
  const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
  const allow = (Sid: string, Action: string | string[], Resource: string | string[] = '*') => ({ Sid, Effect: 'Allow', Action, Resource });

  it('match actions with IAM wildcards, case-insensitively', () => {
    expect(actionMatches('cloudformation:Describe*', 'cloudformation:DescribeStacks')).toBe(true);
    expect(actionMatches('CloudFormation:describestacks', 'cloudformation:DescribeStacks')).toBe(true);
    expect(actionMatches('cloudformation:Describe?tacks', 'cloudformation:DescribeStacks')).toBe(true);
    expect(actionMatches('cloudformation:Describe*', 'cloudformation:ListStacks')).toBe(false);
    expect(actionMatches('cloudformation:DescribeStack', 'cloudformation:DescribeStacks')).toBe(false);
  });

  it('find a required action that no statement grants, and honour wildcards when it is granted', () => {
    const required = [{ action: 'cloudformation:DescribeStacks', neededBy: ['DescribeStacksCommand in a.ts'] }];
    expect(missingGrants(policy(allow('A', 'cloudformation:ListStacks')) as PolicyDocument, required)).toEqual([
      'cloudformation:DescribeStacks (needed by DescribeStacksCommand in a.ts)',
    ]);
    expect(missingGrants(policy(allow('A', 'cloudformation:Describe*')) as PolicyDocument, required)).toEqual([]);
  });

  it('find grants nothing needs, wildcards, and optional grants without their call', () => {
    const required = [{ action: 'cloudformation:DescribeStacks', neededBy: ['x'] }];
    const document = policy(
      allow('A', ['cloudformation:DescribeStacks', 'cloudformation:ValidateTemplate']),
      allow('B', 'ecs:Describe*'),
      allow('C', 'iam:PassRole', 'arn:aws:iam::111111111111:role/R'),
    ) as PolicyDocument;
    expect(unneededGrants(document, required)).toEqual([
      'A: cloudformation:ValidateTemplate is granted, but no production code calls it',
      'B: ecs:Describe* is a wildcard; list the actions the code calls',
      'C: iam:PassRole is granted, but no production code calls it',
    ]);
    const withChangeSets = [...required, { action: 'cloudformation:CreateChangeSet', neededBy: ['y'] }];
    expect(unneededGrants(document, withChangeSets)).not.toContain('C: iam:PassRole is granted, but no production code calls it');
  });

  it('accept valid grammar and name each fault', () => {
    expect(policyProblems(policy(allow('A', 'sts:AssumeRole', 'arn:aws:iam::*:role/R')))).toEqual([]);
    expect(
      policyProblems({
        Version: '2008-10-17',
        Statement: [
          allow('A', 'cloudformation:ListStacks'),
          { ...allow('A', 'ListStacks', 'stack/x'), Effect: 'Deny' },
          { Sid: 'Bad-Sid', Effect: 'Allow', NotAction: 's3:*', Resource: '*', Condition: { StringMaybe: { k: 'v' } } },
        ],
      }),
    ).toEqual([
      'Version is "2008-10-17", not "2012-10-17"',
      'Statement[1] (A): Sid A is used twice',
      'Statement[1] (A): Effect must be "Allow"',
      'Statement[1] (A): Action "ListStacks" is not of the form service:Action',
      'Statement[1] (A): Resource "stack/x" is not of the form "*" or an ARN',
      "Statement[2] (Bad-Sid) has keys the portal's policy does not use: NotAction",
      'Statement[2] (Bad-Sid): Sid must be letters and digits only',
      'Statement[2] (Bad-Sid): Action is missing',
      'Statement[2] (Bad-Sid): unknown condition operator StringMaybe',
    ]);
    expect(policyProblems({ Version: '2012-10-17', Statement: [] })).toEqual(['Statement is not a non-empty array']);
  });
});

/**
 * Actions granted on every resource ("*"), each with the reason it cannot be scoped.
 * Anything else must name its resources.
 */
const UNSCOPABLE: Readonly<Record<string, string>> = {
  'cloudformation:DescribeStacks': 'discovery lists the stacks of a region: DescribeStacks without a stack name',
  'cloudformation:ListStacks': 'takes no resource: it goes with DescribeStacks to list a region',
  'cloudformation:DescribeStackDriftDetectionStatus': 'takes no resource: it reads a detection by its id',
  'cloudwatch:ListMetrics': 'takes no resource',
  'cloudwatch:GetMetricData': 'takes no resource',
  'cloudwatch:DescribeAlarms': "asked by name prefix (AlarmNamePrefix), not by an alarm's ARN",
  'ecs:ListTasks': "takes no task resource; the statement's ecs:cluster condition keeps it to the bots' clusters",
  'wickr:ListNetworks': "takes no network: it lists the account's networks of a region",
  ...Object.fromEntries(
    ['GetNetwork', 'GetDataRetentionBot', 'CreateDataRetentionBot', 'CreateDataRetentionBotChallenge', 'UpdateDataRetention', 'DeleteDataRetentionBot'].map(
      operation => [
        `wickr:${operation}`,
        "unconfirmed: the Wickr admin API's model names no resource type, and a network's ARN format is not documented in the sources at hand; scope it to the network's ARN once confirmed",
      ],
    ),
  ),
};

/** Services whose grants must be limited to resources that carry the portal's tags. */
const TAG_SCOPED_SERVICES = ['cloudformation', 'secretsmanager', 'kms'];

describe('the portal IAM policy (plugins/wickr-dr-node/iam/portal-policy.json)', () => {
  const scan = scanProductionCode(repoRoot);
  const { required, problems: mappingProblems } = requiredActions(scan.calls);

  it('can read every use of an AWS SDK client in the production code', () => {
    expect(scan.problems.map(p => `${p.file}: ${p.problem}`)).toEqual([]);
    expect(mappingProblems).toEqual([]);
  });

  it('finds the calls the code is known to make (the scan does not come back empty)', () => {
    const found = scan.calls.map(c => `${c.operation} ${c.file}`);
    expect(found).toContain('DescribeStacks plugins/wickr-dr-node/src/cloudformation.ts');
    expect(found).toContain('PutSecretValue plugins/wickr-dr-node/src/secretsManager.ts');
    expect(found).toContain('DescribeStackEvents plugins/scaffolder-backend-module-wickr-dr/src/deploy/stackEvents.ts');
    expect(scan.calls.every(c => !/\.test\.tsx?$|__testUtils__|testUtils/.test(c.file))).toBe(true);
  });

  it('is a valid IAM policy of Allow statements with unique Sids', () => {
    expect(policyProblems(readPolicy())).toEqual([]);
  });

  it("is described statement by statement in the repository README's table", () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const described = new Set([...readme.matchAll(/^\| `([A-Za-z]+)`(?:, `([A-Za-z]+)`)? \|/gm)].flatMap(m => [m[1], m[2]]));
    const sids = readPolicy().Statement.map(statement => statement.Sid!);
    expect(sids.filter(sid => !described.has(sid))).toEqual([]);
  });

  it('is in the repository README as it is in the file', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = /^## The portal's IAM policy\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    const documents = [...section.matchAll(/^```json\n([\s\S]*?)^```/gm)].map(m => m[1]).filter(b => b.includes('"Statement"'));
    expect(documents).toHaveLength(1);
    expect(JSON.parse(documents[0])).toEqual(readPolicy());
  });

  it('fits in one managed policy', () => {
    expect(policySize(readPolicy())).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARACTERS);
  });

  it('grants every AWS operation the production code calls', () => {
    expect(missingGrants(readPolicy(), required)).toEqual([]);
  });

  it('grants nothing the production code never calls', () => {
    expect(unneededGrants(readPolicy(), required)).toEqual([]);
  });

  it('grants on every resource only what cannot be scoped', () => {
    const unscoped = readPolicy()
      .Statement.filter(s => asList(s.Resource).includes('*'))
      .flatMap(s => asList(s.Action).map(action => `${s.Sid}: ${action}`))
      .filter(line => !UNSCOPABLE[line.split(': ')[1]]);
    expect(unscoped).toEqual([]);
  });

  it("limits CloudFormation, Secrets Manager and KMS grants to what carries the portal's tags or change-set names", () => {
    const untagged = readPolicy()
      .Statement.filter(s => asList(s.Action).some(a => TAG_SCOPED_SERVICES.includes(a.split(':')[0])))
      .filter(s => !asList(s.Resource).includes('*'))
      .filter(s => !/wickr-dr[:-]/.test(JSON.stringify(s.Condition ?? {})))
      .map(s => s.Sid);
    expect(untagged).toEqual([]);
  });

  it('passes only a named role, and only to CloudFormation', () => {
    const passRole = readPolicy().Statement.filter(s => asList(s.Action).some(a => actionMatches(a, 'iam:PassRole')));
    expect(passRole.length).toBeGreaterThan(0);
    for (const statement of passRole) {
      expect(asList(statement.Resource).every(r => /^arn:[^:]+:iam::[^:]*:role\/[\w+=,.@-]+$/.test(r))).toBe(true);
      expect(statement.Condition?.StringEquals?.['iam:PassedToService']).toBe('cloudformation.amazonaws.com');
    }
  });

  it('fails, naming the operation and the file, when a called operation is not granted', () => {
    const policy = readPolicy();
    const withoutEvents: PolicyDocument = {
      ...policy,
      Statement: policy.Statement.map(s => ({
        ...s,
        Action: asList(s.Action).filter(a => a !== 'cloudformation:DescribeStackEvents'),
      })),
    };
    expect(missingGrants(withoutEvents, required)).toContain(
      'cloudformation:DescribeStackEvents (needed by paginateDescribeStackEvents in plugins/scaffolder-backend-module-wickr-dr/src/deploy/stackEvents.ts)',
    );
  });
});
