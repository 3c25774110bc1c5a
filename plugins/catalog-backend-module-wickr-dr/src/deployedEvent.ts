import { DEPLOYED_TOPIC, DeployedEvent, deploymentFieldRules } from '@wickr-dr/backstage-plugin-wickr-dr-common';

const ACCOUNT_ID = new RegExp(deploymentFieldRules.accountId.pattern);
const STACK_NAME = new RegExp(deploymentFieldRules.stackName.pattern);

/** A value from the payload, safe for one log line: quoted, escaped, short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A `wickr-dr.stack.deployed` payload, checked: anything in the backend can publish
 * on the topic, so nothing in it is trusted. Either the event, or why it is ignored.
 */
export function readDeployedEvent(
  payload: unknown,
  regions: readonly string[],
): { event: DeployedEvent } | { problem: string } {
  const ignored = (why: string) => ({ problem: `Ignored a ${DEPLOYED_TOPIC} event: ${why}` });
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return ignored(`its payload is not an object: ${shown(payload)}`);
  }
  const { accountId, region, stackName } = payload as Record<string, unknown>;
  if (typeof region !== 'string' || !regions.includes(region)) {
    return ignored(`region ${shown(region)} is not one of the regions discovery looks in (${regions.join(', ')})`);
  }
  if (accountId !== undefined && (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId))) {
    return ignored(`accountId ${shown(accountId)} is not ${deploymentFieldRules.accountId.rule}, nor absent for the main account`);
  }
  if (typeof stackName !== 'string' || !STACK_NAME.test(stackName)) {
    return ignored(`stackName ${shown(stackName)} is not ${deploymentFieldRules.stackName.rule}`);
  }
  return { event: typeof accountId === 'string' ? { accountId, region, stackName } : { region, stackName } };
}
