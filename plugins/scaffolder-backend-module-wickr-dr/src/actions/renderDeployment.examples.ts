import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Render a deployment with the defaults for everything optional',
    example: stringify({
      steps: [
        {
          id: 'render',
          action: 'wickr-dr:deployment:render',
          name: 'Validate and render',
          input: {
            stackName: 'wickr-dr-prod',
            deployName: 'prod',
            botName: 'compliance_12345678_bot',
            region: 'us-east-1',
            owner: 'group:default/platform-team',
          },
        },
      ],
    }),
  },
  {
    description: 'Render a deployment with a NAT gateway per zone, 30-minute file rotation and alert e-mails',
    example: stringify({
      steps: [
        {
          id: 'render',
          action: 'wickr-dr:deployment:render',
          name: 'Validate and render',
          input: {
            stackName: 'wickr-dr-ca',
            deployName: 'ca-prod',
            botName: 'compliance_87654321_bot',
            region: 'ca-central-1',
            accountId: '123456789012',
            natGateways: 'one-per-zone',
            fileRotateMins: 30,
            alertEmail: 'wickr-ops@example.com',
          },
        },
      ],
    }),
  },
];
