// The main window's remembered place and size (userData/window-state.json). Restored only where the user can still
// reach the window: a monitor may have been unplugged or the resolution lowered since it was saved. No `electron`
// import: main passes the displays' work areas from `screen`.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../engine/fs/atomic-write.js';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is saved: the normal (un-maximized) bounds, and whether the window was maximized. */
export interface WindowState extends Rectangle {
  maximized: boolean;
}

export const WINDOW_STATE_FILE_NAME = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 880, height: 560 } as const;
/** A window counts as reachable when this much of its top edge (where the title bar is) lies on one work area. */
const GRAB_STRIP_HEIGHT = 32;
const MIN_GRAB_WIDTH = 120;
const MIN_GRAB_HEIGHT = 16;
/** Coordinates beyond this are garbage, not a monitor arrangement. */
const COORDINATE_LIMIT = 100_000;

function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= COORDINATE_LIMIT;
}

/** The saved state if `value` is a well-formed one, else null (a damaged file means "use the defaults"). */
export function parseWindowState(value: unknown): WindowState | null {
  if (value === null || typeof value !== 'object') return null;
  const { x, y, width, height, maximized } = value as Record<string, unknown>;
  if (!isCoordinate(x) || !isCoordinate(y) || !isCoordinate(width) || !isCoordinate(height)) return null;
  if (width < 1 || height < 1 || typeof maximized !== 'boolean') return null;
  return { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height), maximized };
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

/** The work area on which the window's title bar can be grabbed, if any. */
export function reachableWorkArea(bounds: Rectangle, workAreas: readonly Rectangle[]): Rectangle | null {
  const strip: Rectangle = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(GRAB_STRIP_HEIGHT, bounds.height) };
  for (const area of workAreas) {
    const shared = overlap(strip, area);
    if (shared.width >= Math.min(MIN_GRAB_WIDTH, bounds.width) && shared.height >= Math.min(MIN_GRAB_HEIGHT, strip.height)) {
      return area;
    }
  }
  return null;
}

function fitSize(width: number, height: number, area: Rectangle): { width: number; height: number } {
  // Never larger than the work area, and not below the minimum unless the screen itself is smaller.
  const fit = (value: number, min: number, max: number): number => Math.max(Math.min(min, max), Math.min(value, max));
  return { width: fit(width, MIN_WINDOW_SIZE.width, area.width), height: fit(height, MIN_WINDOW_SIZE.height, area.height) };
}

/**
 * Where to open the window: the saved bounds when the window would still be reachable on one of `workAreas`
 * (shrunk to fit that display), else the saved (or default) size centred on the primary display.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rectangle[], primaryWorkArea: Rectangle): WindowState {
  if (saved) {
    const area = reachableWorkArea(saved, workAreas);
    if (area) return { x: saved.x, y: saved.y, ...fitSize(saved.width, saved.height, area), maximized: saved.maximized };
  }
  const size = fitSize(saved?.width ?? DEFAULT_WINDOW_SIZE.width, saved?.height ?? DEFAULT_WINDOW_SIZE.height, primaryWorkArea);
  return {
    x: primaryWorkArea.x + Math.round((primaryWorkArea.width - size.width) / 2),
    y: primaryWorkArea.y + Math.round((primaryWorkArea.height - size.height) / 2),
    ...size,
    maximized: saved?.maximized ?? false,
  };
}

/** The saved state, or null when there is none or it cannot be read (never an error: the window still opens). */
export async function readWindowState(file: string): Promise<WindowState | null> {
  try {
    return parseWindowState(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

export async function writeWindowState(file: string, state: WindowState): Promise<void> {
  const clean = parseWindowState(state);
  if (!clean) throw new Error('refusing to save an invalid window state');
  await writeFileAtomic(file, `${JSON.stringify(clean, null, 2)}\n`);
}
