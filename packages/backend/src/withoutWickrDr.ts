// The same backend without the Wickr data-retention plugins: the baseline of
// bench/startup. Not for use as a portal.
import { createBackend } from '@backstage/backend-defaults';
import { appFeature, portalFeatures } from './features';

const backend = createBackend();
[appFeature, ...portalFeatures].forEach(feature => backend.add(feature));
backend.start();
