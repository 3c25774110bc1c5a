import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  createPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  deploymentCreatePermission,
  deploymentReadPermission,
  driftCheckPermission,
  ownerOnlyPermissions,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AllowAllPolicy, DenyAllPolicy, OwnersOperatePolicy } from './permissionPolicy';

function user(ref: string, ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs },
  };
}

const alice = user('user:default/alice', ['user:default/alice', 'group:default/team-a']);
const bob = user('user:default/bob', ['user:default/bob', 'group:default/team-b']);

/** A deployment entity as the catalog serves it, with its ownedBy relation. */
const deploymentOwnedByTeamA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'prod-123456789012-use1', namespace: 'default' },
  spec: { type: 'wickr-data-retention', owner: 'group:default/team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

/** What the catalog answers for a conditional decision on this entity (its own rule, applied here). */
function catalogAllows(decision: PolicyDecision, entity: Entity): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    throw new Error(`expected a conditional decision, got ${decision.result}`);
  }
  const condition = decision.conditions as { rule: string; params: any };
  const rule = Object.values(permissionRules).find(r => r.name === condition.rule);
  if (!rule) throw new Error(`the catalog has no rule ${condition.rule}`);
  return rule.apply(entity, condition.params);
}

describe('OwnersOperatePolicy', () => {
  const policy = new OwnersOperatePolicy();

  it.each(ownerOnlyPermissions.map(p => [p.name, p]))(
    '%s: a conditional decision on the entity owner that the catalog evaluates',
    async (_name, permission) => {
      const decision = await policy.handle({ permission }, alice);
      expect(decision).toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          params: { claims: ['user:default/alice', 'group:default/team-a'] },
        },
      });
      expect(catalogAllows(decision, deploymentOwnedByTeamA)).toBe(true);
      expect(catalogAllows(await policy.handle({ permission }, bob), deploymentOwnedByTeamA)).toBe(false);
    },
  );

  it('covers drift checks, updates, deletes and bot operation', () => {
    expect(ownerOnlyPermissions.map(p => p.name).sort()).toEqual([
      'wickr-dr.bot.operate',
      'wickr-dr.deployment.delete',
      'wickr-dr.deployment.update',
      'wickr-dr.drift.check',
    ]);
  });

  it('denies owner-only permissions when there is no user to own anything', async () => {
    expect(await policy.handle({ permission: driftCheckPermission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('denies a basic permission that shares an owner-only name (there is no entity to own)', async () => {
    const impostor = createPermission({ name: driftCheckPermission.name, attributes: {} });
    expect(await policy.handle({ permission: impostor }, alice)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it.each([deploymentReadPermission, deploymentCreatePermission].map(p => [p.name, p]))(
    '%s: allowed to every signed-in user, owner or not, denied without one',
    async (_name, permission) => {
      expect(await policy.handle({ permission }, alice)).toEqual({ result: AuthorizeResult.ALLOW });
      expect(await policy.handle({ permission }, bob)).toEqual({ result: AuthorizeResult.ALLOW });
      expect(await policy.handle({ permission })).toEqual({ result: AuthorizeResult.DENY });
    },
  );

  it('allows the permissions of other plugins, as the example policy does', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(await policy.handle({ permission: catalogRead }, bob)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});

describe('AllowAllPolicy', () => {
  it('allows an owner-only permission to a non-owner', async () => {
    expect(await new AllowAllPolicy().handle({ permission: driftCheckPermission }, bob)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});

describe('DenyAllPolicy', () => {
  it('denies even a signed-in owner reading', async () => {
    expect(await new DenyAllPolicy().handle({ permission: deploymentReadPermission }, alice)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});
