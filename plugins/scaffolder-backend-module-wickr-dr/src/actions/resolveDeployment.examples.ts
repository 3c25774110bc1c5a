import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Resolve the deployment chosen in the form to its stack, account and region',
    example: stringify({
      steps: [
        {
          id: 'resolve',
          action: 'wickr-dr:deployment:resolve',
          name: 'Find the deployment',
          input: { deployment: 'resource:default/prod-123456789012-use1' },
        },
      ],
    }),
  },
];
