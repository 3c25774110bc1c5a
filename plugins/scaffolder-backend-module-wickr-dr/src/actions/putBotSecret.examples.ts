import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Put the initial password from the form's Secret field botPassword into the bot's secret",
    example: stringify({
      steps: [
        {
          id: 'secret',
          action: 'wickr-dr:bot:put-secret',
          name: "Put the bot's secret in place",
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1' },
        },
      ],
    }),
  },
  {
    description: 'Replace the password with a new initial password from the Wickr admin console',
    example: stringify({
      steps: [
        {
          id: 'secret',
          action: 'wickr-dr:bot:put-secret',
          name: 'Replace the bot password',
          input: {
            stackName: 'wickr-dr-prod',
            region: 'ca-central-1',
            passwordSecret: 'newBotPassword',
            replacePassword: true,
          },
        },
      ],
    }),
  },
];
