import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { AwsClients } from '@internal/plugin-wickr-dr-node';
import { createDeployStackAction } from './actions/deployStack';
import { createPutBotSecretAction } from './actions/putBotSecret';
import { createRenderDeploymentAction } from './actions/renderDeployment';
import { StackLocks } from './deploy/stackLocks';

/** The Wickr data-retention actions: render, put the bot's secret, deploy. */
export const scaffolderModuleWickrDr = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'wickr-dr',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        const awsClients = AwsClients.fromConfig(config);
        const deploy = config.getOptionalConfig('wickrDr.deploy');
        scaffolder.addActions(
          createRenderDeploymentAction(),
          createDeployStackAction({
            awsClients,
            locks: new StackLocks(),
            defaults: {
              timeoutMinutes: deploy?.getOptionalNumber('timeoutMinutes') ?? 60,
              terminationProtection: deploy?.getOptionalBoolean('terminationProtection') ?? true,
              roleArn: deploy?.getOptionalString('roleArn'),
            },
          }),
          createPutBotSecretAction({ awsClients }),
        );
      },
    });
  },
});
