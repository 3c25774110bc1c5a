import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { DEFAULT_ALLOWED_IMAGES } from '@internal/plugin-wickr-dr-common';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
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
import { StackLocks } from './deploy/stackLocks';

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
      },
      async init({ scaffolder, config, catalog, events, permissions, discovery, auth, logger }) {
        const awsClients = AwsClients.fromConfig(config);
        const deploy = config.getOptionalConfig('wickrDr.deploy');
        const allowedImages = config.getOptionalStringArray('wickrDr.allowedImages') ?? DEFAULT_ALLOWED_IMAGES;
        const access = new DeploymentAccess({ permissions, catalog, accounts: awsClients.accounts });
        const locks = new StackLocks();
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
          createApplyUpdateAction(dayTwo),
          createSetBotRunningAction(dayTwo),
          createTeardownAction({ ...dayTwo, events }),
          createPrepareBotAction({ awsClients }),
          createRenderDeploymentAction({ accounts: awsClients.accounts, allowedImages }),
          createDeployStackAction({
            awsClients,
            access,
            allowedImages,
            locks,
            defaults: {
              timeoutMinutes: deploy?.getOptionalNumber('timeoutMinutes') ?? 60,
              terminationProtection: deploy?.getOptionalBoolean('terminationProtection') ?? true,
              roleArn: deploy?.getOptionalString('roleArn'),
            },
          }),
          createPutBotSecretAction({ awsClients, access }),
          createAwaitRegistrationAction({
            awsClients,
            access,
            timeoutMinutes: config.getOptionalNumber('wickrDr.passwordCapture.timeoutMinutes') ?? 15,
          }),
          createSetRetentionAction({ awsClients, access }),
          createRegisterDeploymentAction({ catalog, events, accounts: awsClients.accounts }),
        );
      },
    });
  },
});
