// The whole Wickr template dry-run through the real scaffolder backend
// (POST /api/scaffolder/v2/dry-run), our module installed, CloudFormation simulated with
// aws-sdk-client-mock so that every AWS call is counted.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { parseCloudFormationTemplate } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { scaffolderModuleWickrDr } from '../module';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { loadWickrTemplate, TEMPLATE_DIR } from '../__testUtils__/wickrTemplate';

const valid = {
  stackName: 'wickr-dr-prod',
  deployName: 'prod',
  owner: 'group:default/platform-team',
  passwordSource: 'admin-console',
  botName: 'compliance_12345678_bot',
  region: 'us-east-1',
  fileRotateMins: 10,
};

/** The template folder, as the dry-run API takes it. */
function directoryContents() {
  const files = ['template.yaml', 'cloudformation/wickr-dr-bot.yaml'];
  return files.map(file => ({
    path: file,
    base64Content: fs.readFileSync(path.join(TEMPLATE_DIR, file)).toString('base64'),
  }));
}

describe('the Wickr template in a scaffolder dry run', () => {
  jest.setTimeout(120_000);
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let simulation: SimulatedCloudFormation;
  let mock: ReturnType<typeof installSimulation>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleWickrDr,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://127.0.0.1:7007' },
            aws: { mainAccount: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
          },
        }),
      ],
    });
  });
  afterAll(() => backend?.stop());
  beforeEach(() => {
    simulation = new SimulatedCloudFormation();
    mock = installSimulation(simulation);
  });
  afterEach(() => mock.restore());

  const dryRun = (values: object, secrets: Record<string, string> = {}) =>
    request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({ template: loadWickrTemplate(), values, secrets, directoryContents: directoryContents() });

  it('renders, validates and shows what a new stack would hold, without changing anything', async () => {
    const res = await dryRun(valid, { botPassword: 'Dry-Run-Password-0001' });
    expect(res.status).toBe(200);
    const messages = res.body.log.map((l: any) => l.body.message).join('\n');
    expect(messages).toContain('Rendered 14 parameters');
    expect(messages).toContain('Dry run: stack wickr-dr-prod does not exist; it would be created with');
    expect(messages).toContain('Add AWS::ECS::Service BotService');
    expect(messages).toContain("Dry run: would write the bot's secret of stack wickr-dr-prod");
    expect(messages).toContain('Dry run: resource:default/prod-main-use1 would be registered once the stack exists');
    expect(res.body.directoryContents.map((f: any) => f.path)).toEqual(
      expect.arrayContaining(['stack/template.json', 'stack/parameters.json', 'stack/tags.json']),
    );
    expect(simulation.calls.map(c => c.operation)).toEqual(['DescribeStacks', 'DescribeStacks']);
    expect(JSON.stringify(res.body)).not.toContain('Dry-Run-Password-0001');
  });

  it('lists the changes to an existing stack from its template and parameters, and creates no change set', async () => {
    const product = parseCloudFormationTemplate(fs.readFileSync(path.join(TEMPLATE_DIR, 'cloudformation/wickr-dr-bot.yaml'), 'utf8'));
    simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', { templateBody: JSON.stringify(product), parameters: { FileRotateMins: '30' } });
    const res = await dryRun(valid);
    const messages = res.body.log.map((l: any) => l.body.message).join('\n');
    expect(messages).toContain('Dry run: 1 parameters and 1 resources would change; CloudFormation decides replacements when it makes the change set');
    expect(messages).toContain('Parameter FileRotateMins: "30" -> "10"');
    expect(messages).toContain('Modify AWS::ECS::TaskDefinition TaskDefinition (uses FileRotateMins)');
    expect(simulation.callsTo('CreateChangeSet')).toHaveLength(0);
    expect(simulation.callsTo('ExecuteChangeSet')).toHaveLength(0);
    expect(simulation.changeSets.size).toBe(0);
  });

  it.each([
    ['an account the portal is not configured for', { accountId: '999999999999' }, 'accountId: 999999999999 is not an account this portal may deploy to; it must be empty: the portal is configured for its main account only'],
    ['an image from another registry', { botImage: 'docker.io/evil/bot-compliance-cloud:6.66.01.00' }, 'botImage: docker.io/evil/bot-compliance-cloud:6.66.01.00 is not allowed'],
  ])('refuses %s in the render step, before any AWS call', async (_, change, message) => {
    const res = await dryRun({ ...valid, ...change });
    const messages = res.body.log?.map((l: any) => l.body.message).join('\n') ?? JSON.stringify(res.body);
    expect(messages).toContain(message);
    expect(simulation.calls).toEqual([]);
  });

  it.each([
    ['a name against the pattern', { deployName: 'Prod_1' }, 'deployName', 'pattern'],
    ['a name too long', { deployName: `a${'b'.repeat(36)}` }, 'deployName', 'maxLength'],
    ['a number out of range', { fileRotateMins: 1441 }, 'fileRotateMins', 'maximum'],
    ['a number of the wrong type', { fileRotateMins: 'ten' }, 'fileRotateMins', 'type'],
    ['a region that is not a Wickr Region', { region: 'eu-central-1' }, 'region', 'enum'],
    ['an account id that is not 12 digits', { accountId: '1234' }, 'accountId', 'pattern'],
    ['a stack name with an underscore', { stackName: 'wickr_dr' }, 'stackName', 'pattern'],
    ['a malformed e-mail', { alertEmail: 'ops@' }, 'alertEmail', 'pattern'],
    // The admin console's way needs a bot name: a branch of the passwordSource choice.
    ['a missing bot name', { botName: undefined }, 'passwordSource', 'oneOf'],
    ['the Wickr API way without a network', { passwordSource: 'wickr-api', botName: undefined }, 'passwordSource', 'oneOf'],
  ])('refuses %s with an error naming the field and the rule, before any AWS call', async (_, change, field, rule) => {
    const res = await dryRun({ ...valid, ...change });
    expect(res.status).toBe(400);
    const errors = res.body.errors.map((e: any) => ({ field: e.property === 'instance' ? e.argument : e.property.replace('instance.', ''), rule: e.name }));
    expect(errors).toContainEqual({ field, rule });
    expect(simulation.calls).toEqual([]);
  });

  it('refuses access logs that expire before they are archived in the render step, before any AWS call', async () => {
    const res = await dryRun({ ...valid, accessLogArchiveDays: 400, accessLogExpirationDays: 365 });
    const messages = res.body.log?.map((l: any) => l.body.message).join('\n') ?? JSON.stringify(res.body);
    expect(messages).toContain(
      'accessLogExpirationDays: must be greater than accessLogArchiveDays (400): logs cannot expire before they are archived',
    );
    expect(simulation.calls).toEqual([]);
  });
});
