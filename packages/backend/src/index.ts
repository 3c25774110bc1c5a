import { createBackend } from '@backstage/backend-defaults';
import { appFeature, portalFeatures, wickrDrFeatures } from './features';
import { describeStartupError } from './startupErrors';

const backend = createBackend();
[appFeature, ...portalFeatures, ...wickrDrFeatures].forEach(feature =>
  backend.add(feature),
);
backend.start().catch(error => {
  process.stderr.write(
    `The portal backend could not start: ${describeStartupError(error)}\n`,
  );
  process.exit(1);
});
