import { changeLine, ChangeSetChange, losses, lossIds, STATEFUL_TYPES, summarizeChange } from './changeSetReview';

const change = (Action: string, ResourceType: string, Replacement?: string, names: string[] = []): ChangeSetChange => ({
  ResourceChange: {
    Action,
    LogicalResourceId: ResourceType.split('::')[2],
    ResourceType,
    Replacement,
    Details: names.map(Name => ({ Target: { Name, RequiresRecreation: 'Always' } })),
  },
});

describe('reviewing a change set', () => {
  it.each(Object.keys(STATEFUL_TYPES))('names what a replaced or removed %s loses, and marks it stateful', type => {
    for (const [action, replacement] of [['Modify', 'True'], ['Modify', 'Conditional'], ['Remove', undefined]] as const) {
      const summary = summarizeChange(change(action, type, replacement));
      expect(summary.stateful).toBe(true);
      expect(summary.loss).toContain(STATEFUL_TYPES[type]);
    }
    expect(summarizeChange(change('Modify', type, 'False', ['Tags'])).loss).toBeUndefined();
    expect(summarizeChange(change('Add', type)).loss).toBeUndefined();
  });

  it('loses nothing when a stateless resource is replaced', () => {
    const summary = summarizeChange(change('Modify', 'AWS::ECS::TaskDefinition', 'True', ['ContainerDefinitions']));
    expect(summary).toMatchObject({ stateful: false, replacement: 'True' });
    expect(summary.loss).toBeUndefined();
  });

  it('lists each change on one line with replacement, the stateful mark and the properties', () => {
    expect(changeLine(summarizeChange(change('Modify', 'AWS::EFS::FileSystem', 'True', ['PerformanceMode', 'Encrypted', 'PerformanceMode'])))).toBe(
      'Modify AWS::EFS::FileSystem FileSystem (REPLACEMENT) [stateful]: PerformanceMode, Encrypted',
    );
    expect(changeLine(summarizeChange(change('Add', 'AWS::SNS::Subscription')))).toBe('Add AWS::SNS::Subscription Subscription');
  });

  it('collects the losses and the ids to accept', () => {
    const summaries = [change('Modify', 'AWS::EFS::FileSystem', 'True'), change('Modify', 'AWS::ECS::Service', 'True'), change('Remove', 'AWS::Logs::LogGroup')].map(summarizeChange);
    expect(lossIds(summaries)).toEqual(['FileSystem', 'LogGroup']);
    expect(losses(summaries)[0]).toMatch(/^FileSystem \(AWS::EFS::FileSystem\) replaced: a new file system: the bot's client state is lost, the bot is seen as a new device/);
  });
});
