import { readDeployedEvent } from './deployedEvent';

describe('readDeployedEvent', () => {
  const regions = ['eu-west-2', 'us-east-1'];

  it('accepts a deployment in a watched region, in a given account or the main one', () => {
    expect(readDeployedEvent({ accountId: '111111111111', region: 'eu-west-2', stackName: 'wickr-dr-lon' }, regions)).toEqual({
      event: { accountId: '111111111111', region: 'eu-west-2', stackName: 'wickr-dr-lon' },
    });
    expect(readDeployedEvent({ region: 'us-east-1', stackName: 'wickr-dr-nyc', extra: 'ignored' }, regions)).toEqual({
      event: { region: 'us-east-1', stackName: 'wickr-dr-nyc' },
    });
  });

  it.each([
    [null, 'its payload is not an object: null'],
    ['eu-west-2', 'its payload is not an object: "eu-west-2"'],
    [{ region: 'ca-central-1', stackName: 's' }, 'region "ca-central-1" is not one of the regions discovery looks in (eu-west-2, us-east-1)'],
    [{ region: ['eu-west-2'], stackName: 's' }, 'region ["eu-west-2"] is not one of the regions'],
    [{ stackName: 's' }, 'region undefined is not one of the regions'],
    [{ accountId: '1234', region: 'eu-west-2', stackName: 's' }, 'accountId "1234" is not a 12-digit AWS account id, nor absent for the main account'],
    [{ accountId: 111111111111, region: 'eu-west-2', stackName: 's' }, 'accountId 111111111111 is not a 12-digit AWS account id'],
    [{ accountId: '', region: 'eu-west-2', stackName: 's' }, 'accountId "" is not a 12-digit AWS account id'],
    [{ region: 'eu-west-2', stackName: 'a\nforged log line' }, 'stackName "a\\nforged log line" is not a CloudFormation stack name'],
    [{ region: 'eu-west-2', stackName: `s${'x'.repeat(128)}` }, 'stackName "sxxxx'],
    [{ region: 'eu-west-2' }, 'stackName undefined is not a CloudFormation stack name'],
  ])('ignores %j', (payload, why) => {
    const read = readDeployedEvent(payload, regions);
    expect(read).toEqual({ problem: expect.stringContaining(`Ignored a wickr-dr.stack.deployed event: ${why}`) });
    expect((read as { problem: string }).problem).not.toMatch(/\n/);
  });

  it('keeps what it shows of a long value short', () => {
    const read = readDeployedEvent({ region: 'x'.repeat(10_000), stackName: 's' }, regions) as { problem: string };
    expect(read.problem.length).toBeLessThan(250);
  });
});
