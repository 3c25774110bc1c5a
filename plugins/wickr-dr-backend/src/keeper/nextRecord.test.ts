import { knownBannerId, LOOK_OVERLAP_MS, nextRecord, nextSince, UNREADABLE_RETRY_MS } from './nextRecord';
import type { KeeperRecord } from './RegistrationStore';

const NOW = Date.UTC(2026, 11, 1, 12);
const registered: KeeperRecord = {
  status: 'registered',
  lastLookAt: NOW - 300_000,
  lastBannerId: 'b1',
  lastBannerAt: NOW - 86_400_000,
  passwordStoredAt: NOW - 86_000_000,
  lastLoginAt: NOW - 85_000_000,
};

describe('what the keeper remembers after a look', () => {
  it('starts the next look the overlap before the last one, or at the beginning of the log', () => {
    expect(nextSince(registered)).toBe(NOW - 300_000 - LOOK_OVERLAP_MS);
    expect(nextSince(undefined)).toBeUndefined();
  });

  it('skips the secret calls only for a banner it handled, never for an unreadable one', () => {
    expect(knownBannerId(registered)).toBe('b1');
    expect(knownBannerId({ ...registered, status: 'unreadable' })).toBeUndefined();
  });

  it('keeps what it knew when the log printed no banner, moving its look on', () => {
    expect(nextRecord(registered, { outcome: 'no-banner' }, NOW - 1_000, NOW)).toEqual({ ...registered, lastLookAt: NOW - 1_000 });
    expect(nextRecord(undefined, { outcome: 'no-banner' }, NOW - 1_000, NOW)).toEqual({ status: 'waiting', lastLookAt: NOW - 1_000 });
  });

  it('remembers a capture: the banner, when it stored it, and the newest login', () => {
    const record = nextRecord(registered, { outcome: 'captured', bannerAt: NOW - 60_000, bannerId: 'b2', loggedInAt: NOW - 55_000 }, NOW - 1_000, NOW);
    expect(record).toEqual({
      status: 'registered',
      lastLookAt: NOW - 1_000,
      lastBannerId: 'b2',
      lastBannerAt: NOW - 60_000,
      passwordStoredAt: NOW,
      lastLoginAt: NOW - 55_000,
      reason: undefined,
    });
    const noLogin = nextRecord(registered, { outcome: 'already-stored', bannerAt: NOW - 60_000, bannerId: 'b2' }, NOW, NOW);
    expect(noLogin).toMatchObject({ lastLoginAt: registered.lastLoginAt, passwordStoredAt: registered.passwordStoredAt });
  });

  it('reads a young unreadable banner again at the next look, an old one not', () => {
    const young = nextRecord(registered, { outcome: 'unreadable', bannerAt: NOW - 60_000, bannerId: 'b2', why: 'no value yet' }, NOW, NOW);
    expect(young).toMatchObject({ status: 'unreadable', reason: 'no value yet', lastBannerId: 'b2', lastLookAt: registered.lastLookAt });
    const old = nextRecord(registered, { outcome: 'unreadable', bannerAt: NOW - UNREADABLE_RETRY_MS, bannerId: 'b2', why: 'two words' }, NOW, NOW);
    expect(old).toMatchObject({ status: 'unreadable', lastLookAt: NOW });
  });
});
