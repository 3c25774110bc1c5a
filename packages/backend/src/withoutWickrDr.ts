// The same backend without the Wickr data-retention plugins: the baseline of
// bench/startup. Not for use as a portal.
import { createBackend } from '@backstage/backend-defaults';
import { appFeature, portalFeatures } from './features';
import { describeStartupError } from './startupErrors';

const backend = createBackend();
[appFeature, ...portalFeatures].forEach(feature => backend.add(feature));
backend.start().catch(error => {
  process.stderr.write(`The backend could not start: ${describeStartupError(error)}\n`);
  process.exit(1);
});
