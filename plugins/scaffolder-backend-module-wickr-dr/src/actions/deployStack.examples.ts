import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Deploy what wickr-dr:deployment:render wrote, leaving a running bot running',
    example: stringify({
      steps: [
        {
          id: 'deploy',
          action: 'wickr-dr:stack:deploy',
          name: 'Deploy the stack',
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1' },
        },
      ],
    }),
  },
  {
    description: 'Start the bot once its password is in the secret, in another account, waiting at most 30 minutes',
    example: stringify({
      steps: [
        {
          id: 'start',
          action: 'wickr-dr:stack:deploy',
          name: 'Start the bot',
          input: {
            stackName: 'wickr-dr-prod',
            region: 'eu-west-2',
            accountId: '111111111111',
            botRunning: 'true',
            timeoutMinutes: 30,
          },
        },
      ],
    }),
  },
];
