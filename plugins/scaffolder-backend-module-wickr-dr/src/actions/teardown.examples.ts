import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Tear down a deployment and keep its data (buckets, logs, file system, secret, keys)',
    example: stringify({
      steps: [
        {
          id: 'teardown',
          action: 'wickr-dr:deployment:teardown',
          name: 'Tear down',
          input: { deployment: 'resource:default/prod-123456789012-use1', confirmName: 'prod' },
        },
      ],
    }),
  },
  {
    description: 'Tear down and delete everything, the Wickr data-retention bot included',
    example: stringify({
      steps: [
        {
          id: 'teardown',
          action: 'wickr-dr:deployment:teardown',
          name: 'Delete everything',
          input: { deployment: 'resource:default/prod-123456789012-use1', confirmName: 'prod', mode: 'delete-everything', deleteBot: true, secretRecoveryDays: 7 },
        },
      ],
    }),
  },
];
