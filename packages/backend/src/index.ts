import { createBackend } from '@backstage/backend-defaults';
import { portalFeatures, wickrDrFeatures } from './features';

const backend = createBackend();
for (const feature of [...portalFeatures, ...wickrDrFeatures]) {
  backend.add(feature as Parameters<typeof backend.add>[0]);
}
backend.start();
