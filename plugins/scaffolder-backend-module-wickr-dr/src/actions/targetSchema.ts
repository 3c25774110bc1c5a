import type { z as zod } from 'zod/v3';
import { WICKR_REGIONS } from '@wickr-dr/backstage-plugin-wickr-dr-common';

/** The input fields that say where a deployment lives; shared by every action. */
export const targetFields = {
  stackName: (z: typeof zod) =>
    z.string({ description: 'The CloudFormation stack that holds the deployment.' }),
  region: (z: typeof zod) =>
    z.string({ description: `The AWS Region of the stack: one of the AWS Wickr Regions, ${WICKR_REGIONS.join(', ')}.` }),
  accountId: (z: typeof zod) =>
    z
      .string({ description: 'The AWS account of the stack, as configured under `aws.accounts`. Default: the main account.' })
      .optional(),
};
