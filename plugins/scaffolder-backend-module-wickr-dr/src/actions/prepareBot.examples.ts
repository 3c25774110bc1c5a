import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Create the network's data-retention bot through the Wickr admin API if it does not exist, and name it",
    example: stringify({
      steps: [
        {
          id: 'prepare',
          action: 'wickr-dr:bot:prepare',
          name: 'Prepare the bot in its Wickr network',
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1', passwordSource: 'wickr-api', networkId: '12345678' },
        },
      ],
    }),
  },
  {
    description: 'Check a bot name copied from the admin console against its network',
    example: stringify({
      steps: [
        {
          id: 'prepare',
          action: 'wickr-dr:bot:prepare',
          name: 'Check the bot',
          input: {
            stackName: 'wickr-dr-prod',
            region: 'us-east-1',
            passwordSource: 'admin-console',
            botName: 'compliance_12345678_bot',
            networkId: '12345678',
          },
        },
      ],
    }),
  },
];
