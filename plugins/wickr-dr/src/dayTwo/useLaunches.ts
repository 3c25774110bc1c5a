import {
  type CompoundEntityRef,
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import type { DeploymentState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import useAsync from 'react-use/esm/useAsync';
import { type WickrDrApi, wickrDrApiRef } from '../api';
import { LAUNCHES, type LaunchKind, launchHref } from './launches';

/** A launch point as offered to the signed-in user. */
export interface Launch {
  kind: LaunchKind;
  title: string;
  href: string;
  /** Whether the policy allows the launch's permission on this deployment. */
  allowed: boolean;
  /** The permission framework has not answered yet. */
  deciding: boolean;
}

/** How long launch points opened together share one read of the state. */
const SHARED_FOR_MS = 30_000;
const reads = new WeakMap<
  WickrDrApi,
  Map<string, { at: number; promise: Promise<DeploymentState> }>
>();

/**
 * The deployment's state, read once for every launch point that opens within 30
 * seconds (the entity menu's items each need it); a failed read is not kept.
 */
export function sharedStateRead(
  api: WickrDrApi,
  entityRef: CompoundEntityRef,
  now: number = Date.now(),
): Promise<DeploymentState> {
  const key = stringifyEntityRef(entityRef);
  const byRef = reads.get(api) ?? new Map();
  reads.set(api, byRef);
  const kept = byRef.get(key);
  if (kept && now - kept.at < SHARED_FOR_MS) return kept.promise;
  const promise = api.getDeploymentState(entityRef);
  byRef.set(key, { at: now, promise });
  promise.catch(() => {
    if (byRef.get(key)?.promise === promise) byRef.delete(key);
  });
  return promise;
}

/** The deployment's state for launch points outside the card, which has its own. */
export function useSharedDeploymentState(entity: Entity, needed = true) {
  const api = useApi(wickrDrApiRef);
  const entityRef = stringifyEntityRef(entity);
  // Keyed on the ref, not the entity object: a re-render with the same entity reads nothing.
  return useAsync(
    async () =>
      needed ? sharedStateRead(api, parseEntityRef(entityRef)) : undefined,
    [api, entityRef, needed],
  );
}

/**
 * One launch for the deployment `entityRef`: its link, and whether the user may use it
 * (the launch's permission asked on the entity, so a policy can allow owners only).
 */
export function useLaunch(
  kind: LaunchKind,
  entityRef: string,
  state: DeploymentState | undefined,
): Launch {
  const { title, permission } = LAUNCHES[kind];
  const { allowed, loading } = usePermission({
    permission,
    resourceRef: entityRef,
  });
  return {
    kind,
    title,
    href: launchHref(kind, entityRef, state),
    allowed,
    deciding: loading,
  };
}

/** Every launch, in the order they are shown. */
export function useLaunches(
  entityRef: string,
  state: DeploymentState | undefined,
): Launch[] {
  // One hook call per kind, always in this order.
  return [
    useLaunch('update', entityRef, state),
    useLaunch('running', entityRef, state),
    useLaunch('teardown', entityRef, state),
  ];
}
