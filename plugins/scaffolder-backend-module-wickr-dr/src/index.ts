/**
 * Scaffolder actions that render, secure and deploy the Wickr data-retention bot stack.
 *
 * @packageDocumentation
 */
export { scaffolderModuleWickrDr as default } from './module';
export { createRenderDeploymentAction, RENDER_ACTION_ID } from './actions/renderDeployment';
export { createDeployStackAction, DEPLOY_ACTION_ID } from './actions/deployStack';
export { createPutBotSecretAction, PUT_SECRET_ACTION_ID } from './actions/putBotSecret';
export { AWAIT_REGISTRATION_ACTION_ID, createAwaitRegistrationAction } from './actions/awaitRegistration';
export { createPrepareBotAction, PREPARE_BOT_ACTION_ID } from './actions/prepareBot';
export { createSetRetentionAction, SET_RETENTION_ACTION_ID } from './actions/setRetention';
export { createRegisterDeploymentAction, REGISTER_ACTION_ID } from './actions/registerDeployment';
export { DatabaseStackLocks, ScaffolderTaskStatuses, stackLockKey } from './deploy/stackLocks';
export type { HolderTask, LockedStack, StackLocks, TaskStatuses } from './deploy/stackLocks';
export { createResolveDeploymentAction, RESOLVE_ACTION_ID } from './actions/resolveDeployment';
export { createPreviewUpdateAction, PREVIEW_ACTION_ID } from './actions/previewUpdate';
export { createApplyUpdateAction, APPLY_ACTION_ID } from './actions/applyUpdate';
export { createSetBotRunningAction, SET_RUNNING_ACTION_ID } from './actions/setBotRunning';
export { createTeardownAction, TEARDOWN_ACTION_ID } from './actions/teardown';
