import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { AllowAllPolicy, DenyAllPolicy, OwnersOperatePolicy } from './permissionPolicy';

export const POLICY_SETTING = 'portal.permissionPolicy';
export const ALLOW_ALL_OUTSIDE_DEVELOPMENT_SETTING =
  'portal.dangerouslyAllowAllPermissionsOutsideDevelopment';

const POLICY_NAMES = ['owners', 'allow-all'] as const;
export type PermissionPolicyName = (typeof POLICY_NAMES)[number];

const DEVELOPMENT_ENVIRONMENTS = ['development', 'test'];

/** The policy named by portal.permissionPolicy; owners when it is not set. */
export function readPolicyName(config: Config): PermissionPolicyName {
  const name = config.getOptionalString(POLICY_SETTING) ?? 'owners';
  if (!(POLICY_NAMES as readonly string[]).includes(name)) {
    throw new InputError(
      `${POLICY_SETTING} must be one of ${POLICY_NAMES.join(', ')}, not '${name}'`,
    );
  }
  return name as PermissionPolicyName;
}

/**
 * Refuses allow-all outside development and tests unless the operator said so explicitly,
 * so that a local configuration cannot open a shared portal to everyone by accident.
 */
function assertAllowAllPermitted(config: Config, nodeEnv: string | undefined) {
  if (DEVELOPMENT_ENVIRONMENTS.includes(nodeEnv ?? '')) return;
  if (config.getOptionalBoolean(ALLOW_ALL_OUTSIDE_DEVELOPMENT_SETTING) === true) return;
  const environment = nodeEnv ? `NODE_ENV is '${nodeEnv}'` : 'NODE_ENV is not set';
  throw new InputError(
    `${POLICY_SETTING} is allow-all (every request allowed) but ${environment}; ` +
      `set ${POLICY_SETTING}: owners, or ${ALLOW_ALL_OUTSIDE_DEVELOPMENT_SETTING}: true to allow everything anyway`,
  );
}

/** The permission policy the configuration picks, or an error naming the setting to change. */
export function choosePermissionPolicy(
  config: Config,
  nodeEnv: string | undefined,
  logger?: LoggerService,
): PermissionPolicy {
  const name = readPolicyName(config);
  if (name === 'owners') {
    logger?.info(`Permission policy: owners (${POLICY_SETTING})`);
    return new OwnersOperatePolicy();
  }
  assertAllowAllPermitted(config, nodeEnv);
  logger?.warn(`Permission policy: allow-all, every request is allowed (${POLICY_SETTING})`);
  return new AllowAllPolicy();
}

/** Installs the permission policy that portal.permissionPolicy picks. */
export const portalPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        let chosen: PermissionPolicy;
        try {
          chosen = choosePermissionPolicy(config, process.env.NODE_ENV, logger);
        } catch (error) {
          // Deny everything until the backend has stopped; a policy must be set, or the
          // permission plugin adds its own "no policy" error to the line that says why.
          policy.setPolicy(new DenyAllPolicy());
          throw error;
        }
        policy.setPolicy(chosen);
      },
    });
  },
});
