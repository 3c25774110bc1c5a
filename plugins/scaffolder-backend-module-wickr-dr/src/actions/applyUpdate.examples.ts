import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Apply the change set a preview made, accepting the new file system it lists',
    example: stringify({
      steps: [
        {
          id: 'apply',
          action: 'wickr-dr:stack:apply',
          name: 'Apply the previewed change',
          input: {
            deployment: 'resource:default/prod-123456789012-use1',
            changeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/wickr-dr-task1-a1-0a1b2c3d/00000000-0000-4000-8000-000000000002',
            losses: 'FileSystem',
            acceptLoss: true,
          },
        },
      ],
    }),
  },
];
