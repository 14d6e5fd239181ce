// Hash-based routing (`#/clusters`, `#/jobs`, ...): the page is loaded from a file or a custom protocol in the
// desktop app and from the headless server, and a hash route works the same in all of them without server help.
// A route is an object, not a string, so views with parameters (a cluster, a VM) can be added as new variants.
import { createStore, type StoreApi } from 'zustand/vanilla';

export const VIEWS = ['dashboard', 'clusters', 'jobs', 'restore-points', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

/**
 * A view, and for the Jobs view the job whose details are open (`#/jobs/<id>`), so a job can be linked to. The
 * restore wizard (`#/restore`, or `#/restore/<pointId>` opened from a restore point) is a route of its own, not in
 * the main navigation: it belongs to the Restore points view.
 */
export type Route =
  | { view: Exclude<ViewName, 'jobs'> }
  | { view: 'jobs'; jobId?: string }
  | { view: 'restore'; pointId?: string };

/** Every view a route can show: those of the main navigation, and the restore wizard. */
export type RouteView = Route['view'];

/** The dashboard: what a set-up Lifeboat opens on (the first run shows the onboarding instead, whatever the route). */
export const DEFAULT_ROUTE: Route = { view: 'dashboard' };

function isViewName(value: string): value is ViewName {
  return (VIEWS as readonly string[]).includes(value);
}

/** Job and point ids are UUIDs; anything else in that place of the hash names no route. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The route a location hash names, or null when it names none (empty, unknown, or not a `#/` path). */
export function parseHash(hash: string): Route | null {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.startsWith('/')) return null;
  const path = body.split('?')[0] ?? '';
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
  const [view, id, ...rest] = segments;
  if (view === 'restore' && rest.length === 0) {
    if (id === undefined) return { view };
    return UUID.test(id) ? { view, pointId: id.toLowerCase() } : null;
  }
  if (view === undefined || !isViewName(view) || rest.length > 0) return null;
  if (id === undefined) return { view };
  if (view !== 'jobs' || !UUID.test(id)) return null;
  return { view, jobId: id.toLowerCase() };
}

export function hashFor(route: Route): string {
  const base = `#/${encodeURIComponent(route.view)}`;
  if (route.view === 'jobs' && route.jobId !== undefined) return `${base}/${encodeURIComponent(route.jobId)}`;
  if (route.view === 'restore' && route.pointId !== undefined) return `${base}/${encodeURIComponent(route.pointId)}`;
  return base;
}

/** The restore wizard, with a restore point chosen already when opened from one. */
export function restoreRoute(pointId?: string): Route {
  return pointId === undefined ? { view: 'restore' } : { view: 'restore', pointId };
}

/** The route of one job in the Jobs view. */
export function jobRoute(jobId: string): Route {
  return { view: 'jobs', jobId };
}

export function sameRoute(a: Route, b: Route): boolean {
  return hashFor(a) === hashFor(b);
}

/** The part of `window.location`/`history` the router uses, so tests can drive it without a browser. */
export interface HashLocation {
  read(): string;
  /** Adds a history entry, as following a link does. */
  push(hash: string): void;
  /** Replaces the current history entry, for normalizing a hash that names no route. */
  replace(hash: string): void;
  /** Calls back when the hash changes (a link, back/forward, a typed URL); returns a function that stops it. */
  listen(onChange: () => void): () => void;
}

export function browserHashLocation(win: Window): HashLocation {
  return {
    read: () => win.location.hash,
    push: (hash) => {
      win.location.hash = hash;
    },
    replace: (hash) => {
      win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${hash}`);
    },
    listen: (onChange) => {
      win.addEventListener('hashchange', onChange);
      return () => win.removeEventListener('hashchange', onChange);
    },
  };
}

export interface NavigationState {
  route: Route;
  navigate(route: Route): void;
  /** Follows the location from now on and normalizes it to a route; returns a function that stops following. */
  start(): () => void;
}

export type NavigationStore = StoreApi<NavigationState>;

export function createNavigationStore(location: HashLocation): NavigationStore {
  return createStore<NavigationState>()((set, get) => {
    const sync = (): void => {
      const route = parseHash(location.read());
      if (route === null) {
        location.replace(hashFor(DEFAULT_ROUTE));
        if (!sameRoute(get().route, DEFAULT_ROUTE)) set({ route: DEFAULT_ROUTE });
        return;
      }
      if (!sameRoute(get().route, route)) set({ route });
    };

    return {
      route: parseHash(location.read()) ?? DEFAULT_ROUTE,

      navigate(route) {
        if (location.read() !== hashFor(route)) location.push(hashFor(route));
        if (!sameRoute(get().route, route)) set({ route });
      },

      start() {
        sync();
        return location.listen(sync);
      },
    };
  });
}
