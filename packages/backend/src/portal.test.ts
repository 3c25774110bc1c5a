import path from 'node:path';
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import request from 'supertest';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { permissionFeatures, portalFeatures, wickrDrFeatures } from './features';

const repoRoot = path.resolve(__dirname, '../../..');

/** The real app-config.yaml, with the catalog location made absolute for the test's working directory. */
function portalConfig() {
  const config = parseYaml(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  config.catalog.locations = [
    { type: 'file', target: path.join(repoRoot, 'catalog-info.yaml') },
  ];
  return config;
}

async function waitForEntity(server: any, ref: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(server).get(`/api/catalog/entities/by-name/${ref}`);
    if (res.status === 200) return res.body;
    if (Date.now() > deadline) {
      throw new Error(`entity ${ref} not in the catalog after ${timeoutMs} ms (last answer ${res.status} ${JSON.stringify(res.body).slice(0, 300)})`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('the portal backend', () => {
  jest.setTimeout(120_000);

  it('loads the Wickr template from templates/ into the catalog', async () => {
    // Everything but the app backend (it needs a built frontend) and the permission
    // backend (it refuses the test's mock user tokens, so an allow-all mock stands in);
    // the e2e test runs both for real.
    const backend = await startTestBackend({
      features: [
        ...portalFeatures.filter(f => !permissionFeatures.includes(f)),
        ...wickrDrFeatures,
        mockServices.rootConfig.factory({ data: portalConfig() }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    try {
      const template = await waitForEntity(backend.server, 'template/default/wickr-dr-fargate');
      expect(template.metadata.title).toBe('Wickr data-retention bot on AWS Fargate');
      expect(template.spec.type).toBe('wickr-data-retention');
      expect(template.spec.parameters[0].title).toBe('The deployment');

      const product = await waitForEntity(backend.server, 'component/default/wickr-dr-portal');
      expect(product.spec.owner).toBe('group:default/platform-team');
    } finally {
      await backend.stop();
    }
  });
});
