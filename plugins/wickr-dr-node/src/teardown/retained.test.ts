import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFileSystemCommand, CreateMountTargetCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient, TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { InputError } from '@backstage/errors';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { motoAwsClients, recordCalls } from './__testUtils__/middleware';
import { TeardownError } from './errors';
import { deleteFileSystem } from './fileSystem';
import { deleteLogGroup, deleteSecretWithRecovery, scheduleKeyDeletion } from './retained';

// Real SDK clients (built by AwsClients) against moto_server on loopback; nothing simulated.
describe('retained resources', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());
  const target = { region: 'us-east-1' };
  const DAY = 86_400_000;

  describe('deleteLogGroup', () => {
    it("deletes the bot's, the flow logs' and Container Insights' log groups, and answers 'absent' once they are gone", async () => {
      const logs = await motoAwsClients(moto).get(CloudWatchLogsClient, target);
      const groups = ['/wickr-dr/prod/bot', '/wickr-dr/prod/vpc-flow-logs', '/aws/ecs/containerinsights/wickr-dr-prod/performance'];
      for (const logGroupName of groups) await logs.send(new CreateLogGroupCommand({ logGroupName }));
      for (const group of groups) expect(await deleteLogGroup(logs, group)).toBe('deleted');
      const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({}));
      expect(logGroups.map(g => g.logGroupName).filter(name => groups.includes(name!))).toEqual([]);
      expect(await deleteLogGroup(logs, groups[0])).toBe('absent');
    });

    it('refuses a log group outside the deployment prefixes', async () => {
      const logs = await motoAwsClients(moto).get(CloudWatchLogsClient, target);
      await expect(deleteLogGroup(logs, '/aws/lambda/payments')).rejects.toThrow(InputError);
      await expect(deleteLogGroup(logs, '/aws/lambda/payments')).rejects.toThrow(
        'logGroupName: must be a Wickr data-retention log group, under /wickr-dr/ or /aws/ecs/containerinsights/wickr-dr-; got "/aws/lambda/payments"',
      );
    });
  });

  describe('deleteSecretWithRecovery', () => {
    const createSecret = (secrets: SecretsManagerClient, Name: string, tagged = true) =>
      secrets.send(new CreateSecretCommand({ Name, SecretString: '{}', Tags: tagged ? [{ Key: 'wickr-dr:deployment', Value: 'prod' }] : [] }));

    it('schedules the deletion with the recovery window (DescribeSecret shows DeletedDate), once', async () => {
      const secrets = await motoAwsClients(moto).get(SecretsManagerClient, target);
      const { ARN } = await createSecret(secrets, 'wickr-dr/prod/bot');
      const before = Date.now();
      expect(await deleteSecretWithRecovery(secrets, ARN!, 7)).toBe('scheduled');
      const { DeletedDate } = await secrets.send(new DescribeSecretCommand({ SecretId: ARN }));
      expect(DeletedDate!.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY - 60_000);
      expect(DeletedDate!.getTime()).toBeLessThan(before + 8 * DAY);
      const calls = recordCalls(secrets);
      expect(await deleteSecretWithRecovery(secrets, ARN!, 7)).toBe('scheduled');
      expect(calls.map(c => c.operation)).toEqual(['DescribeSecret']);
    });

    it("answers 'absent' for a secret that does not exist, and refuses an untagged secret or a window outside 7 to 30 days", async () => {
      const secrets = await motoAwsClients(moto).get(SecretsManagerClient, target);
      expect(await deleteSecretWithRecovery(secrets, 'wickr-dr/nobody/bot', 7)).toBe('absent');
      const { ARN } = await createSecret(secrets, 'payments/db', false);
      await expect(deleteSecretWithRecovery(secrets, ARN!, 7)).rejects.toThrow(TeardownError);
      await expect(deleteSecretWithRecovery(secrets, ARN!, 7)).rejects.toThrow(
        `refused to delete secret '${ARN}': it does not carry the wickr-dr:deployment tag of a Wickr data-retention deployment`,
      );
      expect((await secrets.send(new DescribeSecretCommand({ SecretId: ARN }))).DeletedDate).toBeUndefined();
      await expect(deleteSecretWithRecovery(secrets, ARN!, 0)).rejects.toThrow('recoveryWindowDays: must be a whole number from 7 to 30; got 0');
      await expect(deleteSecretWithRecovery(secrets, ARN!, 31)).rejects.toThrow(InputError);
    });

    it("refuses a tagged secret that another stack made when the deployment's stack is named", async () => {
      const secrets = await motoAwsClients(moto).get(SecretsManagerClient, target);
      const stackId = 'arn:aws:cloudformation:us-east-1:123456789012:stack/wickr-dr-prod/1b2c';
      const { ARN } = await secrets.send(
        new CreateSecretCommand({
          Name: 'wickr-dr/other/bot',
          SecretString: '{}',
          Tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }, { Key: 'aws:cloudformation:stack-id', Value: `${stackId}-other` }],
        }),
      );
      await expect(deleteSecretWithRecovery(secrets, ARN!, 7, stackId)).rejects.toThrow(
        `refused to delete secret '${ARN}': its aws:cloudformation:stack-id tag does not name stack ${stackId}`,
      );
      expect((await secrets.send(new DescribeSecretCommand({ SecretId: ARN }))).DeletedDate).toBeUndefined();
      await secrets.send(new TagResourceCommand({ SecretId: ARN, Tags: [{ Key: 'aws:cloudformation:stack-id', Value: stackId }] }));
      expect(await deleteSecretWithRecovery(secrets, ARN!, 7, stackId)).toBe('scheduled');
    });
  });

  describe('scheduleKeyDeletion', () => {
    it("schedules the deletion (KeyState PendingDeletion), then answers 'already'", async () => {
      const kms = await motoAwsClients(moto).get(KMSClient, target);
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'Wickr DR prod - bot secret' }));
      expect(await scheduleKeyDeletion(kms, KeyMetadata!.KeyId!, 7)).toBe('scheduled');
      expect((await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
      const calls = recordCalls(kms);
      expect(await scheduleKeyDeletion(kms, KeyMetadata!.Arn!, 7)).toBe('already');
      expect(calls.map(c => c.operation)).toEqual(['DescribeKey']);
    });

    it("answers 'absent' for a key that does not exist, and refuses a window outside 7 to 30 days", async () => {
      const kms = await motoAwsClients(moto).get(KMSClient, target);
      expect(await scheduleKeyDeletion(kms, '0b6c1f55-4f3e-4e7a-9d55-2f4a0c7d9e11', 30)).toBe('absent');
      await expect(scheduleKeyDeletion(kms, '0b6c1f55-4f3e-4e7a-9d55-2f4a0c7d9e11', 6)).rejects.toThrow('pendingWindowDays: must be a whole number from 7 to 30; got 6');
    });
  });

  describe('deleteFileSystem', () => {
    /** A subnet for the mount target, made through CloudFormation (no EC2 client in this package). */
    async function subnet(clients: ReturnType<typeof motoAwsClients>): Promise<string> {
      const cloudformation = await clients.get(CloudFormationClient, target);
      const template = {
        Resources: {
          Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.40.0.0/16' } },
          Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.40.1.0/24' } },
        },
        Outputs: { SubnetId: { Value: { Ref: 'Subnet' } } },
      };
      await cloudformation.send(new CreateStackCommand({ StackName: 'efs-network', TemplateBody: JSON.stringify(template) }));
      const { Stacks = [] } = await cloudformation.send(new DescribeStacksCommand({ StackName: 'efs-network' }));
      return Stacks[0].Outputs!.find(o => o.OutputKey === 'SubnetId')!.OutputValue!;
    }

    it("deletes the mount target, then the file system, and answers 'absent' once it is gone", async () => {
      const clients = motoAwsClients(moto);
      const efs = await clients.get(EFSClient, target);
      const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: 'wickr-dr-prod', Tags: [{ Key: 'wickr-dr:deployment', Value: 'prod' }] }));
      await efs.send(new CreateMountTargetCommand({ FileSystemId, SubnetId: await subnet(clients) }));
      const calls = recordCalls(efs);
      expect(await deleteFileSystem(efs, FileSystemId!)).toBe('deleted');
      expect(calls.map(c => c.operation)).toEqual(['DescribeMountTargets', 'DeleteMountTarget', 'DescribeMountTargets', 'DeleteFileSystem']);
      const { FileSystems = [] } = await efs.send(new DescribeFileSystemsCommand({}));
      expect(FileSystems.map(f => f.FileSystemId)).not.toContain(FileSystemId);
      expect((await efs.send(new DescribeMountTargetsCommand({ FileSystemId })).catch(e => e)).name).toBe('FileSystemNotFound');
      expect(await deleteFileSystem(efs, FileSystemId!)).toBe('absent');
    });
  });
});
