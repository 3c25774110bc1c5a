import { InputError } from '@backstage/errors';

/**
 * The template's bucket names: `<account>-<DeployName>-wickrdr` and `...-wickrdrlogging`
 * (DeployName: a lowercase letter, then up to 35 lowercase letters, digits and hyphens).
 * The teardown touches no other bucket, whatever a stack output says.
 */
const WICKR_DR_BUCKET = /^\d{12}-[a-z](?:[a-z0-9-]{0,34}[a-z0-9])?-wickrdr(?:logging)?$/;

/** The template's log groups (`/wickr-dr/<DeployName>/...`) and Container Insights' (`/aws/ecs/containerinsights/wickr-dr-<DeployName>/...`). */
const WICKR_DR_LOG_GROUP = /^(?:\/wickr-dr\/|\/aws\/ecs\/containerinsights\/wickr-dr-)[A-Za-z0-9_.\-/#]+$/;

export function requireWickrDrBucket(bucket: string): string {
  if (typeof bucket !== 'string' || !WICKR_DR_BUCKET.test(bucket)) {
    throw new InputError(
      `bucket: must be a Wickr data-retention bucket, <account id>-<deployment name>-wickrdr or <account id>-<deployment name>-wickrdrlogging; got ${JSON.stringify(bucket)}`,
    );
  }
  return bucket;
}

export function requireWickrDrLogGroup(name: string): string {
  if (typeof name !== 'string' || !WICKR_DR_LOG_GROUP.test(name)) {
    throw new InputError(
      `logGroupName: must be a Wickr data-retention log group, under /wickr-dr/ or /aws/ecs/containerinsights/wickr-dr-; got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
