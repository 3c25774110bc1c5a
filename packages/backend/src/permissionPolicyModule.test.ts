import { ConfigReader } from '@backstage/config';
import { AllowAllPolicy, OwnersOperatePolicy } from './permissionPolicy';
import { choosePermissionPolicy } from './permissionPolicyModule';

const config = (portal?: Record<string, string | boolean>) => new ConfigReader(portal ? { portal } : {});

describe('choosePermissionPolicy', () => {
  it('picks the owner policy when nothing is set, in every environment', () => {
    expect(choosePermissionPolicy(config(), 'production')).toBeInstanceOf(OwnersOperatePolicy);
    expect(choosePermissionPolicy(config({ permissionPolicy: 'owners' }), 'production')).toBeInstanceOf(
      OwnersOperatePolicy,
    );
  });

  it.each(['development', 'test'])('picks allow-all when asked to under NODE_ENV=%s', nodeEnv => {
    expect(choosePermissionPolicy(config({ permissionPolicy: 'allow-all' }), nodeEnv)).toBeInstanceOf(
      AllowAllPolicy,
    );
  });

  it.each([
    ['production', "NODE_ENV is 'production'"],
    ['staging', "NODE_ENV is 'staging'"],
    [undefined, 'NODE_ENV is not set'],
  ])('refuses allow-all under NODE_ENV=%s and names the setting that permits it', (nodeEnv, said) => {
    expect(() => choosePermissionPolicy(config({ permissionPolicy: 'allow-all' }), nodeEnv)).toThrow(
      `portal.permissionPolicy is allow-all (every request allowed) but ${said}; ` +
        'set portal.permissionPolicy: owners, or portal.dangerouslyAllowAllPermissionsOutsideDevelopment: true to allow everything anyway',
    );
  });

  it('runs allow-all outside development only with the explicit setting', () => {
    const explicit = config({
      permissionPolicy: 'allow-all',
      dangerouslyAllowAllPermissionsOutsideDevelopment: true,
    });
    expect(choosePermissionPolicy(explicit, 'production')).toBeInstanceOf(AllowAllPolicy);
    const notTrue = config({
      permissionPolicy: 'allow-all',
      dangerouslyAllowAllPermissionsOutsideDevelopment: false,
    });
    expect(() => choosePermissionPolicy(notTrue, 'production')).toThrow(/NODE_ENV is 'production'/);
  });

  it('names the setting and the allowed values for an unknown policy', () => {
    expect(() => choosePermissionPolicy(config({ permissionPolicy: 'everyone' }), 'development')).toThrow(
      "portal.permissionPolicy must be one of owners, allow-all, not 'everyone'",
    );
  });
});
