import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register the deployment the previous step deployed',
    example: stringify({
      steps: [
        {
          id: 'register',
          action: 'wickr-dr:catalog:register',
          name: 'Register in the catalog',
          input: {
            stackName: 'wickr-dr-prod',
            region: 'us-east-1',
            stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/wickr-dr-prod/5f1c2e00-0000-4000-8000-000000000001',
            deployName: 'prod',
            owner: 'group:default/platform-team',
            outputs: { RetentionBucketName: '123456789012-prod-wickrdr', RetentionPrefix: 'data-retention' },
          },
        },
      ],
    }),
  },
];
