/**
 * @jest-environment node
 */
import { CloudFormationClient, ValidateTemplateCommand } from '@aws-sdk/client-cloudformation';
import { MotoServer, motoClientConfig, startMoto } from '../testUtils';
import { readBotTemplateText } from '../__testUtils__/botTemplateFile';

// Real SDK, real wire protocol, against moto_server on loopback.
describe('ValidateTemplate (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let cloudformation: CloudFormationClient;

  beforeAll(async () => {
    moto = await startMoto();
    cloudformation = new CloudFormationClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    cloudformation?.destroy();
    await moto?.stop();
  });

  // moto parses the template and returns its Description; it does not list Parameters.
  it('accepts the template', async () => {
    const result = await cloudformation.send(
      new ValidateTemplateCommand({ TemplateBody: readBotTemplateText() }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.Description).toContain('us-east-1, ap-southeast-2, ca-central-1 or eu-west-2');
  });

  it('rejects a broken template (so the acceptance above means something)', async () => {
    await expect(
      cloudformation.send(new ValidateTemplateCommand({ TemplateBody: 'Resources: [' })),
    ).rejects.toThrow();
  });
});
