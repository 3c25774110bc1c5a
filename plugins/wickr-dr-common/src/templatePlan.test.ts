import { templatePlan } from './templatePlan';

describe('templatePlan', () => {
  const current = {
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: { 'Fn::Sub': 'Wickr DR ${DeployName}' } } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
      Old: { Type: 'AWS::SQS::Queue' },
      Service: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: { Ref: 'BotRunning' } } },
    },
  };
  const next = {
    Resources: {
      Topic: current.Resources.Topic,
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Suspended' } } },
      Service: current.Resources.Service,
      Added: { Type: 'AWS::SNS::Subscription' },
    },
  };

  it('lists added, changed and removed resources and changed parameters, and what a parameter reaches', () => {
    const plan = templatePlan(current, next, { DeployName: 'prod', BotRunning: 'false' }, { DeployName: 'prod', BotRunning: 'true' });
    expect(plan.parameters).toEqual(['Parameter BotRunning: "false" -> "true"']);
    expect(plan.resources).toEqual([
      'Modify AWS::S3::Bucket Bucket (VersioningConfiguration)',
      'Modify AWS::ECS::Service Service (uses BotRunning)',
      'Add AWS::SNS::Subscription Added',
      'Remove AWS::SQS::Queue Old',
    ]);
  });

  it('finds nothing to change when template and parameters are the same', () => {
    expect(templatePlan(current, current, { DeployName: 'prod' }, { DeployName: 'prod' })).toEqual({ parameters: [], resources: [] });
  });

  it('sees a parameter reached through Fn::Sub', () => {
    const plan = templatePlan(current, current, { DeployName: 'prod' }, { DeployName: 'prod2' });
    expect(plan.resources).toEqual(['Modify AWS::SNS::Topic Topic (uses DeployName)']);
  });
});
