/**
 * The pure domain of Wickr data-retention deployments: parameters and their rules,
 * validation, rendering and the entity model. No AWS or Backstage I/O.
 *
 * @packageDocumentation
 */
export * from './parameters';
export * from './validation';
export * from './cloudformationYaml';
export * from './templateParameters';
export * from './render';
export * from './stackStatus';
export * from './consoleLinks';
export * from './formSchema';
export * from './entity';
export * from './api';
export * from './drift';
export * from './stackOutputs';
export * from './retainedResources';
export * from './permissions';
export * from './images';
export * from './accounts';
export * from './renderedStack';
export * from './templatePlan';
export * from './botSecret';
export * from './botLog';
export * from './changeSetReview';
