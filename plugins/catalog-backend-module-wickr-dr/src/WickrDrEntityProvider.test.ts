// Discovery against moto_server on loopback: real SDK, real DescribeStacks paging, tags and
// outputs, and a second account reached by a real role assumption through moto's STS.
import { CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import type { DeferredEntity, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS, parseDiscoveryLocation } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import type { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { RecordingLogger } from './__testUtils__/recordingLogger';
import {
  createStack,
  MOTO_ACCOUNT_ID,
  motoAwsClients,
  SECOND_ACCOUNT_ID,
  stsToMoto,
} from './__testUtils__/motoAccounts';
import { DiscoveryTarget, WickrDrEntityProvider } from './WickrDrEntityProvider';

class RecordingConnection implements EntityProviderConnection {
  entities: DeferredEntity[] = [];
  mutations = 0;
  async applyMutation(mutation: any) {
    this.mutations++;
    this.entities = mutation.entities;
  }
  async refresh() {}
  names() {
    return this.entities.map(e => e.entity.metadata.name).sort();
  }
}

const LONDON = { region: 'eu-west-2' };

describe('WickrDrEntityProvider (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let awsClients: AwsClients;
  let restoreSts: () => void;
  beforeAll(async () => {
    moto = await startMoto();
    restoreSts = stsToMoto(moto);
  });
  afterAll(async () => {
    restoreSts?.();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    awsClients = motoAwsClients(moto);
  });

  const stack = (name: string, tags: Record<string, string>, where: DiscoveryTarget = LONDON) =>
    createStack(awsClients, where, name, tags);

  async function provider(target: DiscoveryTarget = LONDON) {
    const logger = new RecordingLogger();
    const p = new WickrDrEntityProvider({ target, awsClients, logger, defaultOwner: 'group:default/platform-team' });
    const connection = new RecordingConnection();
    await p.connect(connection);
    return { p, connection, logger };
  }

  it('emits an entity named with the account for each tagged stack, and none for untagged ones', async () => {
    await stack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/uk-ops' });
    await stack('someone-elses-stack', { team: 'web' });
    const { p, connection } = await provider();

    expect(await p.refresh()).toEqual({ entities: 1, skipped: 0, calls: 1 });
    expect(connection.names()).toEqual([`lon-${MOTO_ACCOUNT_ID}-euw2`]);
    const [{ entity, locationKey }] = connection.entities;
    expect(locationKey).toBe('wickr-dr:main/eu-west-2');
    expect(parseDiscoveryLocation(entity.metadata.annotations!['backstage.io/managed-by-origin-location'])).toEqual(LONDON);
    expect(entity.spec).toEqual({ type: 'wickr-data-retention', owner: 'group:default/uk-ops' });
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': 'wickr-dr:main/eu-west-2',
      'backstage.io/managed-by-origin-location': 'wickr-dr:main/eu-west-2',
      [ANNOTATIONS.arn]: expect.stringMatching(/^arn:aws:cloudformation:eu-west-2:123456789012:stack\/wickr-dr-lon\//),
      [ANNOTATIONS.accountId]: MOTO_ACCOUNT_ID,
      [ANNOTATIONS.region]: 'eu-west-2',
      [ANNOTATIONS.stackName]: 'wickr-dr-lon',
      [ANNOTATIONS.deploymentName]: 'lon',
      [ANNOTATIONS.botLogGroup]: '/wickr-dr/wickr-dr-lon/bot',
      [ANNOTATIONS.botSecretArn]: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:bot-abc',
    });
    const links = Object.fromEntries(entity.metadata.links!.map(l => [l.type, l.url]));
    expect(links).toEqual({
      stack: expect.stringMatching(/^https:\/\/eu-west-2\.console\.aws\.amazon\.com\/cloudformation\/home\?region=eu-west-2#\/stacks\/stackinfo\?stackId=arn%3Aaws%3Acloudformation%3Aeu-west-2/),
      logs: 'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#logsV2:log-groups/log-group/$252Fwickr-dr$252Fwickr-dr-lon$252Fbot',
      'container-insights': expect.stringContaining("ECS.cluster~(~'wickr-dr-wickr-dr-lon)"),
      metrics: "https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#metricsV2?graph=~()&namespace=~'WickrIO",
      'retention-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-wickr-dr-lon-wickrdr?region=eu-west-2&prefix=data-retention%2F',
      'access-log-bucket': 'https://s3.console.aws.amazon.com/s3/buckets/123456789012-wickr-dr-lon-wickrdrlogging?region=eu-west-2',
      service: 'https://eu-west-2.console.aws.amazon.com/ecs/v2/clusters/wickr-dr-wickr-dr-lon/services/bot-service/health?region=eu-west-2',
      secret: 'https://eu-west-2.console.aws.amazon.com/secretsmanager/secret?name=arn%3Aaws%3Asecretsmanager%3Aeu-west-2%3A123456789012%3Asecret%3Abot-abc&region=eu-west-2',
      alerts: expect.stringMatching(/^https:\/\/eu-west-2\.console\.aws\.amazon\.com\/sns\/v3\/home\?region=eu-west-2#\/topic\/arn:aws:sns:eu-west-2:123456789012:/),
    });
  });

  it('leaves out stacks with forged tags, one warning per stack per refresh, and keeps the good one', async () => {
    await stack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/uk-ops' });
    await stack('forged-owner', { 'wickr-dr:deployment': 'fake1', 'wickr-dr:owner': 'not a ref' });
    await stack('component-owner', { 'wickr-dr:deployment': 'fake2', 'wickr-dr:owner': 'component:default/x' });
    await stack('group-system', { 'wickr-dr:deployment': 'fake3', 'wickr-dr:system': 'group:default/x' });
    await stack('bad-name', { 'wickr-dr:deployment': 'Not_A_DeployName' });
    const { p, connection, logger } = await provider();

    expect(await p.refresh()).toEqual({ entities: 1, skipped: 4, calls: 1 });
    expect(connection.names()).toEqual([`lon-${MOTO_ACCOUNT_ID}-euw2`]);
    expect(logger.messages('warn').sort()).toEqual([
      'wickr-dr:main/eu-west-2: left out stack bad-name: wickr-dr:deployment is not a deployment name: "Not_A_DeployName"',
      'wickr-dr:main/eu-west-2: left out stack component-owner: wickr-dr:owner must name a group or user, not a component: "component:default/x"',
      'wickr-dr:main/eu-west-2: left out stack forged-owner: wickr-dr:owner is not a valid entity reference: "not a ref"',
      'wickr-dr:main/eu-west-2: left out stack group-system: wickr-dr:system must name a system, not a group: "group:default/x"',
    ]);

    await p.refresh();
    expect(logger.messages('warn')).toHaveLength(8);
    expect(connection.names()).toEqual([`lon-${MOTO_ACCOUNT_ID}-euw2`]);
  });

  it('shows neither of two stacks of one account and region that claim the same deployment name', async () => {
    await stack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/uk-ops' });
    await stack('shadow-of-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'user:default/mallory' });
    await stack('wickr-dr-par', { 'wickr-dr:deployment': 'par' });
    const { p, connection, logger } = await provider();

    expect(await p.refresh()).toEqual({ entities: 1, skipped: 2, calls: 1 });
    expect(connection.names()).toEqual([`par-${MOTO_ACCOUNT_ID}-euw2`]);
    const warnings = logger.messages('warn');
    expect(warnings).toHaveLength(2);
    for (const name of ['wickr-dr-lon', 'shadow-of-lon']) {
      expect(warnings).toContainEqual(
        expect.stringMatching(new RegExp(`left out stack ${name}: deployment name lon is claimed by 2 stacks here`)),
      );
    }
  });

  it('gives the same deployment name in two accounts two entities, each from its own provider', async () => {
    const second = { accountId: SECOND_ACCOUNT_ID, region: 'eu-west-2' };
    await stack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/uk-ops' });
    await stack('wickr-dr-lon', { 'wickr-dr:deployment': 'lon', 'wickr-dr:owner': 'group:default/other-team' }, second);
    const main = await provider();
    const other = await provider(second);

    await main.p.refresh();
    await other.p.refresh();
    expect(main.connection.names()).toEqual([`lon-${MOTO_ACCOUNT_ID}-euw2`]);
    expect(other.connection.names()).toEqual([`lon-${SECOND_ACCOUNT_ID}-euw2`]);
    const [{ entity, locationKey }] = other.connection.entities;
    expect(locationKey).toBe(`wickr-dr:${SECOND_ACCOUNT_ID}/eu-west-2`);
    expect(parseDiscoveryLocation(locationKey)).toEqual(second);
    expect(entity.metadata.annotations![ANNOTATIONS.accountId]).toBe(SECOND_ACCOUNT_ID);
    expect(entity.spec!.owner).toBe('group:default/other-team');
  });

  it('removes the entity of a deleted stack at the next refresh', async () => {
    await stack('wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    await stack('wickr-dr-b', { 'wickr-dr:deployment': 'b' });
    const { p, connection } = await provider();
    await p.refresh();
    expect(connection.names()).toEqual([`a-${MOTO_ACCOUNT_ID}-euw2`, `b-${MOTO_ACCOUNT_ID}-euw2`]);

    const cloudformation = await awsClients.get(CloudFormationClient, LONDON);
    await cloudformation.send(new DeleteStackCommand({ StackName: 'wickr-dr-a' }));
    await p.refresh();
    expect(connection.names()).toEqual([`b-${MOTO_ACCOUNT_ID}-euw2`]);
  });

  it('runs calls that arrive during a refresh as one more refresh after it', async () => {
    await stack('wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    const { p, connection } = await provider();
    const results = await Promise.all([p.refresh(), p.refresh(), p.refresh()]);
    expect(results.map(r => r.entities)).toEqual([1, 1, 1]);
    expect(connection.mutations).toBe(2);
  });

  it('keeps its entities when the region cannot be read, and says why in one line', async () => {
    await stack('wickr-dr-a', { 'wickr-dr:deployment': 'a' });
    const { p, connection, logger } = await provider();
    await p.refresh();
    await moto.stop();
    try {
      await expect(p.refresh()).rejects.toThrow();
      await p.refreshOrKeep();
      expect(connection.mutations).toBe(1);
      expect(connection.entities).toHaveLength(1);
      const [line, ...more] = logger.messages('error');
      expect(more).toEqual([]);
      expect(line).toMatch(
        `wickr-dr:main/eu-west-2: discovery failed, keeping the entities it had: CloudFormation DescribeStacks at ${moto.endpoint}/: `,
      );
      expect(line).toMatch(/ECONNREFUSED/);
      expect(line).not.toMatch(/\n/);
    } finally {
      moto = await startMoto();
      restoreSts();
      restoreSts = stsToMoto(moto);
    }
  });
});
