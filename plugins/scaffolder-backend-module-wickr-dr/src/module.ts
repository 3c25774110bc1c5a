import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { DEFAULT_ALLOWED_IMAGES } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AwsClients } from '@wickr-dr/backstage-plugin-wickr-dr-node';
import { DeploymentAccess } from './actions/deploymentAccess';
import { createApplyUpdateAction } from './actions/applyUpdate';
import { createAwaitRegistrationAction } from './actions/awaitRegistration';
import { BackendOperationRecorder } from './actions/operationRecorder';
import { createPreviewUpdateAction } from './actions/previewUpdate';
import { createResolveDeploymentAction } from './actions/resolveDeployment';
import { createSetBotRunningAction } from './actions/setBotRunning';
import { createTeardownAction } from './actions/teardown';
import { createDeployStackAction } from './actions/deployStack';
import { createPrepareBotAction } from './actions/prepareBot';
import { createPutBotSecretAction } from './actions/putBotSecret';
import { createSetRetentionAction } from './actions/setRetention';
import { createRegisterDeploymentAction } from './actions/registerDeployment';
import { createRenderDeploymentAction } from './actions/renderDeployment';
import { DatabaseStackLocks, ScaffolderTaskStatuses } from './deploy/stackLocks';
import { terminationProtectionDefault } from './deploy/deployDefaults';

/**
 * When the task holding a stack counts as gone although the scaffolder still has it
 * running: with the scaffolder's task recovery on, never (recovery restarts such a task,
 * on any replica, or fails it); without it, once its heartbeat is older than the
 * scaffolder's own stale timeout (scaffolder.taskRecovery.staleTimeout, 30 s by default).
 */
function staleHolderMs(config: Config): number | undefined {
  const recovery = config.getOptionalBoolean('scaffolder.taskRecovery.enabled') ?? config.getOptionalBoolean('scaffolder.EXPERIMENTAL_recoverTasks') ?? false;
  if (recovery) return undefined;
  const key = 'scaffolder.taskRecovery.staleTimeout';
  if (!config.has(key)) return 30_000;
  const d = readDurationFromConfig(config, { key });
  const ms = { years: 31_536_000_000, months: 2_592_000_000, weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 };
  return Object.entries(d).reduce((sum, [unit, n]) => sum + (ms[unit as keyof typeof ms] ?? 0) * Number(n), 0);
}

/**
 * The Wickr data-retention actions: prepare the bot, render, deploy, put the bot's secret, await
 * the bot's registration, turn retention on, register; and day two: resolve a deployment, preview
 * and apply an update, stop and start the bot, tear down.
 */
export const scaffolderModuleWickrDr = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'wickr-dr',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        permissions: coreServices.permissions,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        database: coreServices.database,
      },
      async init({ scaffolder, config, catalog, events, permissions, discovery, auth, logger, database }) {
        const awsClients = AwsClients.fromConfig(config);
        const deploy = config.getOptionalConfig('wickrDr.deploy');
        const allowedImages = config.getOptionalStringArray('wickrDr.allowedImages') ?? DEFAULT_ALLOWED_IMAGES;
        const access = new DeploymentAccess({ permissions, catalog, accounts: awsClients.accounts });
        const baseUrl = config.getOptionalString('app.baseUrl') ?? '';
        const locks = await DatabaseStackLocks.create({
          database,
          tasks: new ScaffolderTaskStatuses({ discovery, auth }),
          taskPageUrl: taskId => `${baseUrl}/create/tasks/${taskId}`,
          staleAfterMs: staleHolderMs(config),
          logger,
        });
        const dayTwo = {
          awsClients,
          access,
          locks,
          recorder: new BackendOperationRecorder({ discovery, auth, logger }),
          defaults: {
            timeoutMinutes: deploy?.getOptionalNumber('timeoutMinutes') ?? 60,
            roleArn: deploy?.getOptionalString('roleArn'),
          },
        };
        scaffolder.addActions(
          createResolveDeploymentAction({ awsClients, access }),
          createPreviewUpdateAction({ ...dayTwo, allowedImages }),
          createApplyUpdateAction({ ...dayTwo, allowedImages }),
          createSetBotRunningAction(dayTwo),
          createTeardownAction({ ...dayTwo, events }),
          createPrepareBotAction({ awsClients, locks }),
          createRenderDeploymentAction({ accounts: awsClients.accounts, allowedImages }),
          createDeployStackAction({
            awsClients,
            access,
            allowedImages,
            locks,
            defaults: {
              timeoutMinutes: deploy?.getOptionalNumber('timeoutMinutes') ?? 60,
              terminationProtection: terminationProtectionDefault(config, awsClients),
              roleArn: deploy?.getOptionalString('roleArn'),
            },
          }),
          createPutBotSecretAction({ awsClients, access, locks }),
          createAwaitRegistrationAction({
            awsClients,
            access,
            locks,
            timeoutMinutes: config.getOptionalNumber('wickrDr.passwordCapture.timeoutMinutes') ?? 15,
          }),
          createSetRetentionAction({ awsClients, access, locks }),
          createRegisterDeploymentAction({ catalog, events, accounts: awsClients.accounts, locks }),
        );
      },
    });
  },
});
