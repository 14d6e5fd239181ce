import { describe, expect, it } from 'vitest';
import {
  createNavigationStore,
  DEFAULT_ROUTE,
  hashFor,
  jobRoute,
  parseHash,
  restoreRoute,
  sameRoute,
  VIEWS,
  type HashLocation,
} from './navigation-store.js';

/** A location kept in memory: `push` and user navigation notify listeners, `replace` does not (like the browser). */
function memoryLocation(initial: string): HashLocation & { hash: string; history: string[]; userNavigates(hash: string): void } {
  const listeners = new Set<() => void>();
  const location = {
    hash: initial,
    history: [initial],
    read: () => location.hash,
    push(hash: string) {
      location.hash = hash;
      location.history.push(hash);
      for (const listener of listeners) listener();
    },
    replace(hash: string) {
      location.hash = hash;
      location.history[location.history.length - 1] = hash;
    },
    listen(onChange: () => void) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    userNavigates(hash: string) {
      location.push(hash);
    },
  };
  return location;
}

describe('parseHash', () => {
  it('reads every view from its #/ path', () => {
    expect(parseHash('#/clusters')).toEqual({ view: 'clusters' });
    expect(parseHash('#/jobs')).toEqual({ view: 'jobs' });
    expect(parseHash('#/restore-points')).toEqual({ view: 'restore-points' });
    expect(parseHash('#/settings')).toEqual({ view: 'settings' });
  });

  it('accepts a trailing slash, a query, and a hash without its #', () => {
    expect(parseHash('#/jobs/')).toEqual({ view: 'jobs' });
    expect(parseHash('#/jobs?limit=5')).toEqual({ view: 'jobs' });
    expect(parseHash('/settings')).toEqual({ view: 'settings' });
  });

  it('names no route for empty, unknown, non-path and malformed hashes', () => {
    expect(parseHash('')).toBeNull();
    expect(parseHash('#')).toBeNull();
    expect(parseHash('#/')).toBeNull();
    expect(parseHash('#/backups')).toBeNull();
    expect(parseHash('#/jobs/extra')).toBeNull();
    expect(parseHash('#/settings/a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f')).toBeNull();
    expect(parseHash('#/jobs/a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f/log')).toBeNull();
    expect(parseHash('#main-content')).toBeNull();
    // What connect.ts leaves behind when the fragment held more than the token.
    expect(parseHash('#lang=ja')).toBeNull();
    expect(parseHash('#/%E0%A4%A')).toBeNull();
  });
});

describe('job routes', () => {
  const JOB = 'a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f';

  it('reads a job of the Jobs view from #/jobs/<id>, in lower case', () => {
    expect(parseHash(`#/jobs/${JOB}`)).toEqual({ view: 'jobs', jobId: JOB });
    expect(parseHash(`#/jobs/${JOB.toUpperCase()}/`)).toEqual({ view: 'jobs', jobId: JOB });
  });

  it('writes and re-reads a job route', () => {
    expect(hashFor(jobRoute(JOB))).toBe(`#/jobs/${JOB}`);
    expect(parseHash(hashFor(jobRoute(JOB)))).toEqual(jobRoute(JOB));
    expect(sameRoute(jobRoute(JOB), { view: 'jobs' })).toBe(false);
  });
});

describe('restore wizard routes', () => {
  const POINT = '00000000-0000-4000-8000-000000000002';

  it('reads the wizard, with or without a point, and nothing else under #/restore', () => {
    expect(parseHash('#/restore')).toEqual({ view: 'restore' });
    expect(parseHash(`#/restore/${POINT.toUpperCase()}`)).toEqual({ view: 'restore', pointId: POINT });
    expect(parseHash('#/restore/web')).toBeNull();
    expect(parseHash(`#/restore/${POINT}/x`)).toBeNull();
    expect(parseHash(`#/clusters/${POINT}`)).toBeNull();
  });

  it('writes and re-reads a restore route', () => {
    expect(hashFor(restoreRoute(POINT))).toBe(`#/restore/${POINT}`);
    expect(hashFor(restoreRoute())).toBe('#/restore');
    expect(parseHash(hashFor(restoreRoute(POINT)))).toEqual(restoreRoute(POINT));
    expect(sameRoute(restoreRoute(POINT), restoreRoute())).toBe(false);
  });
});

describe('hashFor', () => {
  it('round-trips through parseHash for every view', () => {
    for (const view of VIEWS) expect(parseHash(hashFor({ view }))).toEqual({ view });
    expect(hashFor({ view: 'restore-points' })).toBe('#/restore-points');
  });
});

describe('navigation store', () => {
  it('starts on the route of the current hash', () => {
    const location = memoryLocation('#/jobs');
    const store = createNavigationStore(location);
    store.getState().start();
    expect(store.getState().route).toEqual({ view: 'jobs' });
    expect(location.hash).toBe('#/jobs');
  });

  it('replaces an empty or unknown hash with the default route, without adding history', () => {
    const location = memoryLocation('');
    const store = createNavigationStore(location);
    store.getState().start();
    expect(store.getState().route).toEqual(DEFAULT_ROUTE);
    expect(location.hash).toBe('#/dashboard');
    expect(location.history).toEqual(['#/dashboard']);
  });

  it('navigate() pushes the hash and sets the route', () => {
    const location = memoryLocation('#/clusters');
    const store = createNavigationStore(location);
    store.getState().start();
    store.getState().navigate({ view: 'settings' });
    expect(store.getState().route).toEqual({ view: 'settings' });
    expect(location.history).toEqual(['#/clusters', '#/settings']);
  });

  it('navigating to the current route adds no history entry', () => {
    const location = memoryLocation('#/jobs');
    const store = createNavigationStore(location);
    store.getState().start();
    store.getState().navigate({ view: 'jobs' });
    expect(location.history).toEqual(['#/jobs']);
  });

  it('follows hash changes made by links and back/forward, and stops when told', () => {
    const location = memoryLocation('#/clusters');
    const store = createNavigationStore(location);
    const stop = store.getState().start();
    location.userNavigates('#/restore-points');
    expect(store.getState().route).toEqual({ view: 'restore-points' });
    location.userNavigates('#/nowhere');
    expect(store.getState().route).toEqual(DEFAULT_ROUTE);
    expect(location.hash).toBe('#/dashboard');
    stop();
    location.userNavigates('#/jobs');
    expect(store.getState().route).toEqual(DEFAULT_ROUTE);
  });

  it('keeps the same route object when a hash change names the current route', () => {
    const location = memoryLocation('#/jobs');
    const store = createNavigationStore(location);
    store.getState().start();
    const before = store.getState().route;
    location.userNavigates('#/jobs/');
    expect(store.getState().route).toBe(before);
  });
});
