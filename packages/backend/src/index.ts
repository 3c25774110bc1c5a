import { createBackend } from '@backstage/backend-defaults';
import { appFeature, portalFeatures, wickrDrFeatures } from './features';

const backend = createBackend();
[appFeature, ...portalFeatures, ...wickrDrFeatures].forEach(feature => backend.add(feature));
backend.start();
