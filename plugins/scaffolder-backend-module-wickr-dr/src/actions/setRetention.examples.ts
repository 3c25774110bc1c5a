import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: "Turn on data retention in the bot's network once the bot has registered",
    example: stringify({
      steps: [
        {
          id: 'retention',
          action: 'wickr-dr:bot:set-retention',
          name: 'Turn on data retention',
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1', networkId: '12345678' },
        },
      ],
    }),
  },
  {
    description: 'Turn it off',
    example: stringify({
      steps: [
        {
          id: 'retention',
          action: 'wickr-dr:bot:set-retention',
          name: 'Turn off data retention',
          input: { stackName: 'wickr-dr-prod', region: 'us-east-1', networkId: '12345678', enabled: false },
        },
      ],
    }),
  },
];
