export { DeploymentCard } from './DeploymentCard';
