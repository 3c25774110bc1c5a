import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Preview the update that wickr-dr:deployment:render wrote, without executing it',
    example: stringify({
      steps: [
        {
          id: 'preview',
          action: 'wickr-dr:stack:preview',
          name: 'Preview the change',
          input: { deployment: 'resource:default/prod-123456789012-use1' },
        },
      ],
    }),
  },
];
