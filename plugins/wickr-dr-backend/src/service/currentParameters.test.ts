// moto answers a NoEcho parameter's value unmasked (it compares values, not keys, with
// the NoEcho keys), so the masking is checked here on a DescribeStacks answer as
// CloudFormation gives it: a plain object, no AWS call.
import type { Stack } from '@aws-sdk/client-cloudformation';
import { currentParameters } from './DeploymentStateService';

const stack = (parameters: Stack['Parameters']): Stack => ({
  StackName: 'wickr-dr-prod',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date('2026-11-01T00:00:00Z'),
  Parameters: parameters,
});

describe('currentParameters', () => {
  it("answers each parameter's current value by its CloudFormation name", () => {
    expect(
      currentParameters(
        stack([
          { ParameterKey: 'TaskSize', ParameterValue: 'large' },
          { ParameterKey: 'AlertEmail', ParameterValue: '' },
          { ParameterKey: 'BotRunning', ParameterValue: 'false' },
        ]),
      ),
    ).toEqual({ TaskSize: 'large', AlertEmail: '', BotRunning: 'false' });
  });

  it('leaves out a NoEcho parameter, which CloudFormation answers masked, and one without a value', () => {
    expect(
      currentParameters(
        stack([
          { ParameterKey: 'TaskSize', ParameterValue: 'small' },
          { ParameterKey: 'SomeToken', ParameterValue: '****' },
          { ParameterKey: 'FromSsm' },
        ]),
      ),
    ).toEqual({ TaskSize: 'small' });
  });

  it('answers no parameters for a stack that has none', () => {
    expect(currentParameters(stack(undefined))).toEqual({});
  });
});
