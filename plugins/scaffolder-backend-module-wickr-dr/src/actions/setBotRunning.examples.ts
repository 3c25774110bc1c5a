import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Stop the bot (its ECS service goes to 0 tasks) through the stack',
    example: stringify({
      steps: [
        {
          id: 'stop',
          action: 'wickr-dr:bot:set-running',
          name: 'Stop the bot',
          input: { deployment: 'resource:default/prod-123456789012-use1', running: false },
        },
      ],
    }),
  },
];
