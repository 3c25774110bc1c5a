import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import { mockApis, TestApiProvider } from '@backstage/frontend-test-utils';
import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import {
  WickrDrAccountPickerFieldExtension,
  WickrDrNetworkPickerFieldExtension,
} from './plugin';
import { WickrDrAccountPicker } from './components/AccountPicker';
import { validateAccountId } from './components/AccountPicker/validation';
import { WickrDrNetworkPicker } from './components/NetworkPicker';
import { validateNetworkId } from './components/NetworkPicker/validation';

describe('WickrDrAccountPickerFieldExtension', () => {
  it('gives the legacy scaffolder the WickrDrAccountPicker field', () => {
    // What the legacy scaffolder page reads from the app's <ScaffolderFieldExtensions>.
    const { result } = renderHook(
      () =>
        useCustomFieldExtensions(
          <ScaffolderFieldExtensions>
            <WickrDrAccountPickerFieldExtension />
          </ScaffolderFieldExtensions>,
        ),
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <TestApiProvider apis={[mockApis.featureFlags()]}>
            {children}
          </TestApiProvider>
        ),
      },
    );

    expect(result.current).toEqual([
      {
        name: 'WickrDrAccountPicker',
        component: WickrDrAccountPicker,
        validation: validateAccountId,
      },
    ]);
  });
});

describe('WickrDrNetworkPickerFieldExtension', () => {
  it('gives the legacy scaffolder the WickrDrNetworkPicker field', () => {
    const { result } = renderHook(
      () =>
        useCustomFieldExtensions(
          <ScaffolderFieldExtensions>
            <WickrDrNetworkPickerFieldExtension />
          </ScaffolderFieldExtensions>,
        ),
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <TestApiProvider apis={[mockApis.featureFlags()]}>
            {children}
          </TestApiProvider>
        ),
      },
    );

    expect(result.current).toEqual([
      {
        name: 'WickrDrNetworkPicker',
        component: WickrDrNetworkPicker,
        validation: validateNetworkId,
      },
    ]);
  });
});
