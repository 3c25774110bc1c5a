// The day-two engine on a simulated CloudFormation (aws-sdk-client-mock routes the SDK to
// __testUtils__/simulatedCloudFormation.ts, virtual clock): replacements, a stack that changed
// after the preview and failed deletions are what moto cannot show.
import { CloudFormationClient, CreateChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { DEFAULT_ALLOWED_IMAGES, STATEFUL_TYPES } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { CheckpointStore, renderedStack, stackSteps } from '../__testUtils__/deployHarness';
import { installSimulation } from '../__testUtils__/installSimulation';
import { SimulatedCloudFormation } from '../__testUtils__/simulatedCloudFormation';
import { DayTwoDeployer } from './dayTwoDeployer';
import { InMemoryStackLocks } from '../__testUtils__/stackLocks';

const replacing = (type: string, logicalId = type.split('::')[2]) => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Modify', LogicalResourceId: logicalId, ResourceType: type, Replacement: 'True', Details: [{ Target: { Name: 'Encrypted', RequiresRecreation: 'Always' } }] },
});

describe('DayTwoDeployer', () => {
  let simulation: SimulatedCloudFormation;
  let mock: ReturnType<typeof installSimulation>;
  let lines: string[];
  let task = 0;
  beforeEach(() => {
    simulation = new SimulatedCloudFormation();
    mock = installSimulation(simulation);
    lines = [];
  });
  afterEach(() => mock.restore());

  const deployer = (taskId = `task-${++task}`) =>
    new DayTwoDeployer(
      { cloudformation: new CloudFormationClient({ region: 'us-east-1' }), locks: new InMemoryStackLocks(), sleep: simulation.sleep, now: () => simulation.now, random: () => 0.5 },
      { logger: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`WARN ${m}`) }, checkpoint: new CheckpointStore().checkpoint, taskId },
      { region: 'us-east-1', timeoutMs: 3_600_000, dryRun: false, terminationProtection: false, botRunning: 'keep' },
    );
  const seed = () =>
    simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', {
      parameters: { DeployName: 'prod', BotRunning: 'true', FileRotateMins: '10' },
      templateBody: JSON.stringify({ Resources: {} }),
      terminationProtection: true,
    });
  /** An update as the render step writes it: apply checks the change set's parameters and tags as deploy does. */
  const update = () => {
    const rendered = renderedStack();
    rendered.parameters.push({ ParameterKey: 'BotName', ParameterValue: 'compliance_1_bot' });
    return rendered;
  };
  const apply = (changeSetId: string, accepted: string[] = []) =>
    deployer().applyProposal('wickr-dr-prod', 'prod', changeSetId, accepted, DEFAULT_ALLOWED_IMAGES);
  const mutating = () =>
    simulation.calls.map(c => c.operation).filter(o => ['ExecuteChangeSet', 'DeleteStack', 'CancelUpdateStack'].includes(o));

  describe('preview and apply', () => {
    it.each(Object.keys(STATEFUL_TYPES))('marks a replaced %s as a loss and applies it only once accepted by its id', async type => {
      seed();
      simulation.changes = [replacing(type), replacing('AWS::ECS::TaskDefinition', 'TaskDefinition')];
      simulation.nextOperation = { steps: stackSteps(2) };
      const proposal = await deployer().proposeUpdate(update());
      const lost = proposal.changes.filter(c => c.loss).map(c => c.logicalId);
      expect(lost).toEqual([type.split('::')[2]]);
      expect(mutating()).toEqual([]);

      const refused = await apply(proposal.changeSetId!).catch(e => e);
      expect(refused.message).toContain(`the change set would lose what was not accepted: ${type.split('::')[2]} (${type}) replaced: ${STATEFUL_TYPES[type]}`);
      expect(mutating()).toEqual([]);

      const applied = await apply(proposal.changeSetId!, [type.split('::')[2]]);
      expect(applied.status).toBe('UPDATE_COMPLETE');
      expect(simulation.callsTo('ExecuteChangeSet').map(c => c.input.ChangeSetName)).toEqual([proposal.changeSetId]);
    });

    it('applies a change that loses nothing without any acceptance, keeping the bot as it runs', async () => {
      seed();
      simulation.changes = [replacing('AWS::ECS::TaskDefinition', 'TaskDefinition')];
      const proposal = await deployer().proposeUpdate(update());
      expect(simulation.callsTo('CreateChangeSet')[0].input.Parameters).toContainEqual({ ParameterKey: 'BotRunning', UsePreviousValue: true });
      await expect(apply(proposal.changeSetId!)).resolves.toMatchObject({ status: 'UPDATE_COMPLETE' });
    });

    it('refuses to apply after the stack changed since the preview, asking for a new preview', async () => {
      const stack = seed();
      simulation.changes = [replacing('AWS::ECS::TaskDefinition', 'TaskDefinition')];
      const proposal = await deployer().proposeUpdate(update());
      await simulation.sleep(60_000);
      stack.updatedAt = simulation.now;
      const error = await apply(proposal.changeSetId!).catch(e => e);
      expect(error.message).toMatch(/^stack 'wickr-dr-prod' changed at .*, after the preview \(.*\): run the preview again for a new one/);
      expect(mutating()).toEqual([]);
    });

    it('refuses a change set that was applied already or made obsolete', async () => {
      seed();
      simulation.changes = [replacing('AWS::ECS::TaskDefinition', 'TaskDefinition')];
      const proposal = await deployer().proposeUpdate(update());
      simulation.changeSets.get(proposal.changeSetId!)!.executionStatus = 'OBSOLETE';
      const error = await apply(proposal.changeSetId!).catch(e => e);
      expect(error.message).toMatch(/cannot be applied: it is OBSOLETE .*run the preview again for a new one/);
    });

    it.each([
      ['the tag of another deployment', { DeployName: 'staging' }, { 'wickr-dr:deployment': 'staging' }, "tags: wickr-dr:deployment must be prod, the stack's deployment; it is staging"],
      ['a tag the portal does not set', {}, { 'wickr-dr:deployment': 'prod', team: 'web' }, 'tags: team is not a tag the portal sets'],
    ])('refuses a wickr-dr- change set made outside the portal with %s, before executing it', async (_, values, tags, rule) => {
      seed();
      const parameters = Object.entries({ DeployName: 'prod', BotName: 'compliance_1_bot', ...values }).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
      const { Id } = await new CloudFormationClient({ region: 'us-east-1' }).send(
        new CreateChangeSetCommand({
          StackName: 'wickr-dr-prod',
          ChangeSetName: 'wickr-dr-x',
          ChangeSetType: 'UPDATE',
          UsePreviousTemplate: true,
          Parameters: parameters,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      await simulation.sleep(simulation.changeSetDelayMs);
      const error = await apply(Id!).catch(e => e);
      expect(error.message).toBe(`change set wickr-dr-x is not one the portal may apply to stack 'wickr-dr-prod': ${rule}; nothing was changed`);
      expect(mutating()).toEqual([]);
    });

    it("never previews another team's stack", async () => {
      simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', { tags: { team: 'web' } });
      await expect(deployer().proposeUpdate(renderedStack())).rejects.toThrow(/lacks the wickr-dr:deployment tag/);
      expect(simulation.callsTo('CreateChangeSet')).toHaveLength(0);
    });
  });

  describe('stop and start', () => {
    it("changes only BotRunning, with the stack's own template and every other value kept", async () => {
      seed();
      simulation.changes = [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'BotService', ResourceType: 'AWS::ECS::Service', Replacement: 'False' } }];
      const result = await deployer().setBotRunning('wickr-dr-prod', 'prod', false);
      expect(result.status).toBe('UPDATE_COMPLETE');
      const request = simulation.callsTo('CreateChangeSet')[0].input;
      expect(request.UsePreviousTemplate).toBe(true);
      expect(request.TemplateBody).toBeUndefined();
      expect(request.Parameters).toEqual([
        { ParameterKey: 'DeployName', UsePreviousValue: true },
        { ParameterKey: 'BotRunning', ParameterValue: 'false' },
        { ParameterKey: 'FileRotateMins', UsePreviousValue: true },
      ]);
    });

    it('says so when the bot is already as asked', async () => {
      seed();
      simulation.emptyChangeSets = true;
      const result = await deployer().setBotRunning('wickr-dr-prod', 'prod', true);
      expect(result.noChanges).toBe(true);
      expect(lines).toContain('The bot of stack wickr-dr-prod is already running');
      expect(mutating()).toEqual([]);
    });
  });

  describe('teardown', () => {
    it('turns termination protection off and deletes the stack, following it to the end', async () => {
      seed();
      await deployer().tearDown('wickr-dr-prod', 'prod');
      expect(simulation.callsTo('UpdateTerminationProtection')[0].input).toMatchObject({ EnableTerminationProtection: false });
      expect(simulation.callsTo('DeleteStack')[0].input.ClientRequestToken).toEqual(expect.any(String));
      expect(lines).toContain('Stack wickr-dr-prod: DELETE_COMPLETE');
    });

    it('explains a DELETE_FAILED: which resources, why, and the next step', async () => {
      seed();
      simulation.deleteFails = [{ logicalId: 'RetentionBucket', type: 'AWS::S3::Bucket', reason: 'The bucket you tried to delete is not empty' }];
      const error = await deployer().tearDown('wickr-dr-prod', 'prod').catch(e => e);
      expect(error.message).toMatch(
        /^stack 'wickr-dr-prod' could not be deleted \(DELETE_FAILED\): RetentionBucket \(AWS::S3::Bucket\): The bucket you tried to delete is not empty; next: fix what the reason says, then finish the deletion with `aws cloudformation delete-stack --stack-name wickr-dr-prod --region us-east-1/,
      );
    });

    it("never deletes another deployment's stack", async () => {
      simulation.seedStack('wickr-dr-prod', 'UPDATE_COMPLETE', { tags: { 'wickr-dr:deployment': 'staging' } });
      await expect(deployer().tearDown('wickr-dr-prod', 'prod')).rejects.toThrow(/belongs to the deployment 'staging'/);
      expect(simulation.callsTo('DeleteStack')).toHaveLength(0);
    });
  });
});
