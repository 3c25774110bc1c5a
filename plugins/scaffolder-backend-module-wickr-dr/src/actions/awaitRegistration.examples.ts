import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'After starting the bot, wait for it to register and store the password it generates',
    example: stringify({
      steps: [
        {
          id: 'registration',
          action: 'wickr-dr:bot:await-registration',
          name: 'Wait for the bot to register',
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1' },
        },
      ],
    }),
  },
  {
    description: 'The same in another account, giving the bot at most 30 minutes',
    example: stringify({
      steps: [
        {
          id: 'registration',
          action: 'wickr-dr:bot:await-registration',
          name: 'Wait for the bot to register',
          input: { stackName: 'wickr-dr-prod', region: 'eu-west-2', accountId: '111111111111', timeoutMinutes: 30 },
        },
      ],
    }),
  },
];
