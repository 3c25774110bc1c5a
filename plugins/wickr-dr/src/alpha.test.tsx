import type { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { screen } from '@testing-library/react';
import wickrDrPlugin from './alpha';
import { wickrDrApiRef } from './api';
import { accountPickerFormField } from './components/AccountPicker';
import { networkPickerFormField } from './components/NetworkPicker';
import { acmeEntity, healthyState } from './__testUtils__/fixtures';

const deploymentCard = wickrDrPlugin.getExtension(
  'entity-card:wickr-dr/deployment',
);

const serviceComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'wickr-dr-portal' },
  spec: {
    type: 'service',
    owner: 'group:default/platform',
    lifecycle: 'production',
  },
};

const otherResource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'retention-bucket' },
  spec: { type: 's3-bucket', owner: 'group:default/platform' },
};

function renderEntityPage(entity: Entity) {
  const api = {
    getDeploymentState: jest.fn(async () => healthyState()),
    listOperations: jest.fn(async () => []),
  };
  renderTestApp({
    extensions: [createTestEntityPage({ entity }), deploymentCard],
    apis: [[wickrDrApiRef, api]],
  });
  return api;
}

describe('entity-card:wickr-dr/deployment', () => {
  it('renders the live state on a wickr-data-retention Resource', async () => {
    const api = renderEntityPage(acmeEntity);

    // The card is loaded lazily: on a loaded machine (CI runs every suite at once) that takes seconds.
    expect(
      await screen.findByText('Wickr data retention', undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('UPDATE_COMPLETE', undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(api.getDeploymentState).toHaveBeenCalledTimes(1);
  });

  it('is left off the page of any other entity', async () => {
    const api = renderEntityPage(serviceComponent);

    expect(
      await screen.findByTestId('empty-entity-page', undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(api.getDeploymentState).not.toHaveBeenCalled();
  });

  it('filters on deployment entities', () => {
    const isShownFor = createExtensionTester(deploymentCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );

    expect(isShownFor?.(acmeEntity)).toBe(true);
    expect(isShownFor?.(serviceComponent)).toBe(false);
    expect(isShownFor?.(otherResource)).toBe(false);
  });
});

describe('api:wickr-dr', () => {
  it('provides the wickr-dr client', () => {
    const factory = createExtensionTester(
      wickrDrPlugin.getExtension('api:wickr-dr'),
    ).get(ApiBlueprint.dataRefs.factory);

    expect(factory.api.id).toBe(wickrDrApiRef.id);
    expect(Object.values(factory.deps).map(dep => dep.id)).toEqual([
      'core.discovery',
      'core.fetch',
    ]);
  });
});

describe('scaffolder-form-field:wickr-dr/account-picker', () => {
  const accountPicker = wickrDrPlugin.getExtension(
    'scaffolder-form-field:wickr-dr/account-picker',
  );

  it('loads the WickrDrAccountPicker form field', async () => {
    const loadField = createExtensionTester(accountPicker).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );

    await expect(loadField()).resolves.toBe(accountPickerFormField);
  });

  it("attaches to the scaffolder's form fields", () => {
    const { node } = createExtensionTester(accountPicker).query(accountPicker);

    expect(node.spec.id).toBe('scaffolder-form-field:wickr-dr/account-picker');
    expect(node.spec.attachTo).toEqual({
      id: 'api:scaffolder/form-fields',
      input: 'formFields',
    });
  });
});

describe('scaffolder-form-field:wickr-dr/network-picker', () => {
  const networkPicker = wickrDrPlugin.getExtension(
    'scaffolder-form-field:wickr-dr/network-picker',
  );

  it('loads the WickrDrNetworkPicker form field', async () => {
    const loadField = createExtensionTester(networkPicker).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );

    await expect(loadField()).resolves.toBe(networkPickerFormField);
  });

  it("attaches to the scaffolder's form fields", () => {
    const { node } = createExtensionTester(networkPicker).query(networkPicker);

    expect(node.spec.id).toBe('scaffolder-form-field:wickr-dr/network-picker');
    expect(node.spec.attachTo).toEqual({
      id: 'api:scaffolder/form-fields',
      input: 'formFields',
    });
  });
});
