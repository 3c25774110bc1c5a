import fs from 'node:fs';
import path from 'node:path';
import {
  loadBotTemplate,
  readBotTemplateText,
  resourcesOfType,
} from '../__testUtils__/botTemplateFile';

// The defects of the AWS sample template (the project reference wickr-dr-bot.md, "Defects found
// by reading it and by running cfn-lint 1.51 on it"), one test each, proving this template does not
// repeat them.

const template = loadBotTemplate();
const templateText = readBotTemplateText();
const readme = fs.readFileSync(
  path.resolve(__dirname, '../../../../templates/wickr-dr-fargate/README.md'),
  'utf8',
);

function props(id: string): Record<string, any> {
  const found = template.Resources[id];
  if (!found?.Properties)
    throw new Error(`the template has no resource ${id} with Properties`);
  return found.Properties;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const getAtt = (id: string, attribute: string) => ({
  'Fn::GetAtt': [id, attribute],
});

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

/** Statements of the roles' inline policies and of the AWS::IAM::Policy resources. */
function identityStatements(): Array<{ source: string; statement: Statement }> {
  const found: Array<{ source: string; statement: Statement }> = [];
  for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) {
    for (const policy of asArray<any>(role.Properties?.Policies)) {
      for (const statement of asArray<Statement>(
        policy.PolicyDocument.Statement,
      )) {
        found.push({ source: id, statement });
      }
    }
  }
  for (const [id, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
    for (const statement of asArray<Statement>(
      policy.Properties?.PolicyDocument.Statement,
    )) {
      found.push({ source: id, statement });
    }
  }
  return found;
}

function taskRoleStatement(sid: string): Statement {
  const found = asArray<any>(props('TaskRole').Policies)
    .flatMap(p => asArray<Statement>(p.PolicyDocument.Statement))
    .filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every string value in the parsed template, with its path. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value))
    return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      strings(v, at ? `${at}.${k}` : k),
    );
  }
  return [];
}

/** What is missing or inconsistent in one parameter's constraints (empty when it is sound). */
function parameterProblems(name: string, p: Record<string, any>): string[] {
  const problems: string[] = [];
  if (typeof p.Description !== 'string' || p.Description.length < 10)
    problems.push(`${name}: no Description`);
  const constrained =
    p.AllowedPattern !== undefined ||
    p.AllowedValues !== undefined ||
    (p.MinValue !== undefined && p.MaxValue !== undefined);
  if (!constrained)
    problems.push(
      `${name}: no AllowedPattern, AllowedValues or MinValue/MaxValue`,
    );
  if (p.AllowedPattern !== undefined) {
    // A pattern comes with a readable explanation, and with a length limit unless the pattern
    // bounds the length itself (no *, + or {n,}).
    if (typeof p.ConstraintDescription !== 'string')
      problems.push(`${name}: no ConstraintDescription`);
    const unbounded = /(^|[^\\])[*+]|\{\d+,\}/.test(p.AllowedPattern);
    if (unbounded && typeof p.MaxLength !== 'number')
      problems.push(`${name}: unbounded pattern without MaxLength`);
  }
  if (p.Default === undefined) return problems;
  const value = String(p.Default);
  if (
    p.AllowedPattern !== undefined &&
    !new RegExp(p.AllowedPattern).test(value)
  ) {
    problems.push(`${name}: Default does not match AllowedPattern`);
  }
  if (
    p.AllowedValues !== undefined &&
    !(p.AllowedValues as unknown[]).map(String).includes(value)
  ) {
    problems.push(`${name}: Default not in AllowedValues`);
  }
  if (p.MinValue !== undefined && Number(value) < p.MinValue)
    problems.push(`${name}: Default below MinValue`);
  if (p.MaxValue !== undefined && Number(value) > p.MaxValue)
    problems.push(`${name}: Default above MaxValue`);
  if (p.MaxLength !== undefined && value.length > p.MaxLength)
    problems.push(`${name}: Default longer than MaxLength`);
  return problems;
}

describe('defects of the AWS sample template, absent here', () => {
  it('password parameter without NoEcho: there is no password parameter, and any secret-like parameter would need NoEcho', () => {
    const parameters = template.Parameters!;
    const secretLike = Object.entries(parameters).filter(([name]) =>
      /pass|pw|secret|token|credential/i.test(name),
    );
    expect(secretLike).toEqual([]);
    // Guard for the future: a NoEcho-less parameter must not carry a secret-looking default either.
    for (const [name, parameter] of Object.entries(parameters)) {
      if (parameter.NoEcho === true || parameter.NoEcho === 'true') continue;
      expect([
        name,
        /pass|secret/i.test(String(parameter.Default ?? '')),
      ]).toEqual([name, false]);
    }
    expect(templateText).not.toMatch(
      /\{\{resolve:(secretsmanager|ssm-secure):/,
    );
  });

  it('the template writes the password into the secret: the secret has no SecretString or GenerateSecretString, so updates never overwrite it', () => {
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret');
    expect(secrets.map(([id]) => id)).toEqual(['BotSecret']);
    expect(Object.keys(props('BotSecret')).sort()).toEqual([
      'Description',
      'KmsKeyId',
      'Tags',
    ]);
    expect(props('BotSecret').SecretString).toBeUndefined();
    expect(props('BotSecret').GenerateSecretString).toBeUndefined();
    expect(template.Resources.BotSecret.DeletionPolicy).toBe('Retain');
    // Nothing else in the stack writes secret values either.
    expect(
      resourcesOfType(template, 'AWS::SecretsManager::SecretTargetAttachment'),
    ).toEqual([]);
    expect(resourcesOfType(template, 'AWS::SSM::Parameter')).toEqual([]);
    // The bot cannot start (and burn the one-time password) before the secret is written.
    expect(template.Parameters!.BotRunning.Default).toBe('false');
    expect(props('BotService').DesiredCount).toEqual({
      'Fn::If': ['BotRunningCondition', 1, 0],
    });
  });

  it('sns:Publish on a topic ARN the topic does not have, and no KMS rights on its key: granted on {Ref: AlertTopic} with the topic key', () => {
    expect(taskRoleStatement('PublishBotEvents')).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: { Ref: 'AlertTopic' },
    });
    expect(props('AlertTopic').KmsMasterKeyId).toEqual(
      getAtt('AlertsKey', 'Arn'),
    );
    expect(taskRoleStatement('EncryptBotEvents')).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: getAtt('AlertsKey', 'Arn'),
    });
    // The key policy lets IAM grant those rights through SNS.
    expect(props('AlertsKey').KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowUseThroughSns',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      }),
    );
  });

  it('cloudwatch:PutMetricData granted on a log group ARN: it is granted on Resource "*" with the WickrIO namespace condition', () => {
    expect(taskRoleStatement('PublishBotMetrics')).toEqual({
      Sid: 'PublishBotMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'WickrIO' } },
    });
    const onLogGroups = identityStatements().filter(
      ({ statement }) =>
        asArray(statement.Action).includes('cloudwatch:PutMetricData') &&
        JSON.stringify(statement.Resource).includes('LogGroup'),
    );
    expect(onLogGroups).toEqual([]);
  });

  it('s3:ListBucket on an object ARN and kms:GenerateDataKey on an S3 ARN: S3 actions match their resource level and every kms action targets a key ARN', () => {
    const statements = identityStatements();
    const kmsStatements = statements.filter(({ statement }) =>
      asArray(statement.Action).some(a => a.startsWith('kms:')),
    );
    expect(kmsStatements.length).toBe(3);
    // Every KMS grant holds only KMS actions and names keys of this template by their ARN.
    const misdirectedKms = kmsStatements.filter(({ statement }) => {
      const onlyKms = asArray(statement.Action).every(a =>
        a.startsWith('kms:'),
      );
      const allKeys = asArray(statement.Resource).every(r => {
        const target = (r as Record<string, unknown>)?.['Fn::GetAtt'] as
          | string[]
          | undefined;
        return (
          Array.isArray(target) &&
          target[1] === 'Arn' &&
          template.Resources[target[0]]?.Type === 'AWS::KMS::Key'
        );
      });
      return !onlyKms || !allKeys;
    });
    expect(misdirectedKms).toEqual([]);

    // A bucket-level action on an object ARN (or the reverse) does nothing.
    const bucketLevelOnObjects = statements.filter(
      ({ statement }) =>
        asArray(statement.Action).some(a =>
          /^s3:(ListBucket|GetBucket|PutBucket)/.test(a),
        ) && JSON.stringify(statement.Resource).includes('/'),
    );
    expect(bucketLevelOnObjects).toEqual([]);
    const objectGrants = statements.filter(({ statement }) =>
      asArray(statement.Action).some(a =>
        /^s3:(PutObject|GetObject|DeleteObject|AbortMultipartUpload)/.test(a),
      ),
    );
    expect(objectGrants.map(({ statement }) => statement.Resource)).toEqual([
      { 'Fn::Sub': '${RetentionBucket.Arn}/${RetentionPrefix}/*' },
    ]);
    expect(JSON.stringify(statements)).not.toContain('s3:ListBucket');
  });

  it('TaskRoleArn given a role name (cfn-lint E1041): task and execution roles are Fn::GetAtt [Role, Arn]', () => {
    const definition = props('TaskDefinition');
    expect(definition.TaskRoleArn).toEqual(getAtt('TaskRole', 'Arn'));
    expect(definition.ExecutionRoleArn).toEqual(getAtt('ExecutionRole', 'Arn'));
    expect(template.Resources.TaskRole.Type).toBe('AWS::IAM::Role');
    expect(template.Resources.ExecutionRole.Type).toBe('AWS::IAM::Role');
    expect(props('VpcFlowLog').DeliverLogsPermissionArn).toEqual(
      getAtt('FlowLogRole', 'Arn'),
    );
  });

  it('arn:aws hard-coded (no GovCloud or China): no literal ARN partition anywhere, every ARN built with ${AWS::Partition}', () => {
    expect(templateText).not.toContain('arn:aws:');
    expect(templateText).not.toMatch(/arn:aws-(cn|us-gov|iso[a-z-]*):/);
    const arns = strings(template).filter(([, s]) => s.includes('arn:'));
    expect(arns.length).toBeGreaterThan(0);
    for (const [at, s] of arns) {
      expect([at, s.startsWith('arn:${AWS::Partition}:')]).toEqual([at, true]);
    }
  });

  it('a fixed IAM role name blocks the same DeployName in two regions: no role has RoleName', () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role');
    expect(roles).toHaveLength(3);
    for (const [id, role] of roles) {
      expect([id, role.Properties?.RoleName]).toEqual([id, undefined]);
    }
    expect(resourcesOfType(template, 'AWS::IAM::InstanceProfile')).toEqual([]);
    expect(resourcesOfType(template, 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('no Outputs although the README tells users to read them: every output the README uses exists and points at the right resource', () => {
    const outputs = template.Outputs!;
    const expected: Record<string, unknown> = {
      RetentionBucketName: { Ref: 'RetentionBucket' },
      AccessLogBucketName: { Ref: 'LoggingBucket' },
      BotLogGroupName: { Ref: 'BotLogGroup' },
      FlowLogGroupName: { Ref: 'FlowLogGroup' },
      ClusterName: { Ref: 'Cluster' },
      ServiceName: getAtt('BotService', 'Name'),
      BotSecretArn: { Ref: 'BotSecret' },
      AlertTopicArn: { Ref: 'AlertTopic' },
      RetentionPrefix: { Ref: 'RetentionPrefix' },
    };
    for (const [name, value] of Object.entries(expected)) {
      expect([name, outputs[name]?.Value]).toEqual([name, value]);
      expect([name, typeof outputs[name]?.Description]).toEqual([
        name,
        'string',
      ]);
    }
    // The outputs the README's commands read (`output Name`) exist.
    const readmeOutputs = [...readme.matchAll(/\$\(output (\w+)\)/g)].map(
      m => m[1],
    );
    expect(readmeOutputs).toEqual(['BotSecretValueTemplate', 'BotSecretArn']);
    for (const name of readmeOutputs) expect(outputs[name]).toBeDefined();
    // The secret value template carries every key the README says it does.
    const valueTemplate = (
      outputs.BotSecretValueTemplate.Value as { 'Fn::Sub': string }
    )['Fn::Sub'];
    for (const key of [
      's3_bucket_name',
      's3_region',
      's3_folder_name',
      'sns_topic_arn',
    ]) {
      expect(readme).toContain(`\`${key}\``);
      expect(valueTemplate).toContain(`"${key}":`);
    }
    expect(valueTemplate).toContain('"password":"__INITIAL_PASSWORD__"');
    expect(JSON.parse(valueTemplate.replace(/\$\{[^}]+\}/g, 'x'))).toEqual({
      password: '__INITIAL_PASSWORD__',
      s3_bucket_name: 'x',
      s3_region: 'x',
      s3_folder_name: 'x',
      sns_topic_arn: 'x',
    });
  });

  it('no alarms: the five failure metrics and the no-running-task condition raise alarms to the topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    const metricAlarm = (metric: string) =>
      alarms.filter(([, a]) =>
        asArray<any>(a.Properties?.Metrics).some(
          m => m.Expression === `SELECT SUM(${metric}) FROM WickrIO`,
        ),
      );
    for (const metric of [
      'Login_Failures',
      'S3_Post_Errors',
      'Messages_Saved_Failed',
      'Files_Saved_Failed',
      'Watchdog_Failures',
    ]) {
      const found = metricAlarm(metric);
      expect([metric, found.length]).toEqual([metric, 1]);
      expect(found[0][1].Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      });
      expect(found[0][1].Properties!.Metrics).toEqual([
        {
          Id: 'q',
          Expression: `SELECT SUM(${metric}) FROM WickrIO`,
          Period: 300,
          ReturnData: true,
        },
      ]);
    }
    const noTask = alarms.filter(
      ([, a]) => a.Properties?.MetricName === 'RunningTaskCount',
    );
    expect(noTask).toHaveLength(1);
    expect(noTask[0][1].Condition).toBe('BotRunningCondition');
    expect(noTask[0][1].Properties).toMatchObject({
      Namespace: 'ECS/ContainerInsights',
      Dimensions: [
        { Name: 'ClusterName', Value: { Ref: 'Cluster' } },
        { Name: 'ServiceName', Value: getAtt('BotService', 'Name') },
      ],
      Statistic: 'Maximum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
    expect(alarms).toHaveLength(6);
  });

  it('no parameter constraints: every parameter has a Description and constraints, and its Default satisfies them', () => {
    const parameters = Object.entries(template.Parameters!);
    expect(parameters.length).toBe(15);
    const problems = parameters.flatMap(([name, p]) =>
      parameterProblems(name, p),
    );
    expect(problems).toEqual([]);
    // The parameters without a default are the ones a deployment must name.
    expect(
      parameters.filter(([, p]) => p.Default === undefined).map(([n]) => n),
    ).toEqual(['DeployName', 'BotName']);
  });

  it('the README and the template disagree on the log group name and the S3 folder name: they agree here', () => {
    // Log group: /wickr-dr/<DeployName>/bot in the README, in its commands with $DEPLOY.
    const logGroupName = (
      props('BotLogGroup').LogGroupName as { 'Fn::Sub': string }
    )['Fn::Sub'];
    expect(logGroupName).toBe('/wickr-dr/${DeployName}/bot');
    expect(readme).toContain(
      `\`${logGroupName.replace('${DeployName}', '<DeployName>')}\``,
    );
    const commandLogGroups = [...readme.matchAll(/"(\/wickr-dr\/[^"]+)"/g)].map(
      m => m[1],
    );
    expect(commandLogGroups.length).toBeGreaterThanOrEqual(2);
    for (const name of commandLogGroups)
      expect(name).toBe(logGroupName.replace('${DeployName}', '$DEPLOY'));
    expect(readme).toContain('DEPLOY=');
    expect(readme).toContain('DeployName="$DEPLOY"');

    // S3 folder: the RetentionPrefix default is what the README deploys with.
    expect(template.Parameters!.RetentionPrefix.Default).toBe('data-retention');
    expect(readme).toContain(
      `RetentionPrefix=${template.Parameters!.RetentionPrefix.Default}`,
    );
    expect(readme).toContain(
      's3://<account>-<DeployName>-wickrdr/<RetentionPrefix>/',
    );
    expect(props('RetentionBucket').BucketName).toEqual({
      'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdr',
    });
    expect(props('LoggingBucket').BucketName).toEqual({
      'Fn::Sub': '${AWS::AccountId}-${DeployName}-wickrdrlogging',
    });
    expect(readme).toContain('`<account>-<DeployName>-wickrdrlogging`');
    // The bot writes under the same folder the role may write to.
    expect(
      asArray<any>(props('TaskRole').Policies)[0].PolicyDocument.Statement.find(
        (s: Statement) => s.Sid === 'WriteRetentionPrefix',
      ).Resource,
    ).toEqual({ 'Fn::Sub': '${RetentionBucket.Arn}/${RetentionPrefix}/*' });

    // The README's deploy command names exactly the template's parameters.
    const command = readme.slice(
      readme.indexOf('--parameter-overrides'),
      readme.indexOf('BotRunning=false') + 16,
    );
    const named = [...command.matchAll(/^\s+(\w+)=/gm)].map(m => m[1]).sort();
    expect(named).toEqual(Object.keys(template.Parameters!).sort());
  });

  it('a VPC in one availability zone: subnets in two zones (Fn::Select 0 and 1 of Fn::GetAZs)', () => {
    const zoneOf = (id: string) => props(id).AvailabilityZone;
    const zone = (index: number) => ({
      'Fn::Select': [index, { 'Fn::GetAZs': '' }],
    });
    expect(
      resourcesOfType(template, 'AWS::EC2::Subnet').map(([id]) => id),
    ).toEqual([
      'PublicSubnetA',
      'PublicSubnetB',
      'PrivateSubnetA',
      'PrivateSubnetB',
    ]);
    expect(zoneOf('PublicSubnetA')).toEqual(zone(0));
    expect(zoneOf('PrivateSubnetA')).toEqual(zone(0));
    expect(zoneOf('PublicSubnetB')).toEqual(zone(1));
    expect(zoneOf('PrivateSubnetB')).toEqual(zone(1));
    // The bot and its file system use both zones.
    expect(
      props('BotService').NetworkConfiguration.AwsvpcConfiguration.Subnets,
    ).toEqual([{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }]);
    expect(
      resourcesOfType(template, 'AWS::EFS::MountTarget').map(
        ([, t]) => t.Properties?.SubnetId,
      ),
    ).toEqual([{ Ref: 'PrivateSubnetA' }, { Ref: 'PrivateSubnetB' }]);
  });

  it('EFS with no access point and no backup: an access point the task mounts through, and automatic backups', () => {
    expect(props('FileSystem').BackupPolicy).toEqual({ Status: 'ENABLED' });
    const accessPoints = resourcesOfType(template, 'AWS::EFS::AccessPoint');
    expect(accessPoints.map(([id]) => id)).toEqual(['AccessPoint']);
    expect(props('AccessPoint').FileSystemId).toEqual({ Ref: 'FileSystem' });
    const volume = (props('TaskDefinition').Volumes as any[])[0];
    expect(
      volume.EFSVolumeConfiguration.AuthorizationConfig.AccessPointId,
    ).toEqual({ Ref: 'AccessPoint' });
    expect(
      props('TaskRoleEfsPolicy').PolicyDocument.Statement[0].Condition,
    ).toEqual({
      StringEquals: {
        'elasticfilesystem:AccessPointArn': getAtt('AccessPoint', 'Arn'),
      },
    });
    expect(template.Resources.FileSystem.DeletionPolicy).toBe('Retain');
  });

  it('two bots at once (100/200 deployments): the service deploys min 0 / max 100 and runs at most one task', () => {
    expect(props('BotService').DeploymentConfiguration).toEqual({
      MinimumHealthyPercent: 0,
      MaximumPercent: 100,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    expect(props('BotService').DesiredCount).toEqual({
      'Fn::If': ['BotRunningCondition', 1, 0],
    });
  });
});
