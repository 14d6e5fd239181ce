import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  parseWindowState,
  placeWindow,
  reachableWorkArea,
  readWindowState,
  writeWindowState,
  type Rectangle,
} from '../../../electron/main/window-state.js';
import { makeTempDir } from '../../support/temp.js';

// A laptop screen with a 32 px top panel, and an external monitor to its left.
const laptop: Rectangle = { x: 0, y: 32, width: 1920, height: 1048 };
const leftMonitor: Rectangle = { x: -2560, y: 0, width: 2560, height: 1440 };

describe('parseWindowState', () => {
  it('accepts a saved state and rounds fractional pixels', () => {
    expect(parseWindowState({ x: 10.4, y: 20, width: 1000, height: 700.6, maximized: true })).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 701,
      maximized: true,
    });
  });

  it.each([
    null,
    'x',
    [],
    {},
    { x: 0, y: 0, width: 800, height: 600 },
    { x: 0, y: 0, width: 800, height: 600, maximized: 'yes' },
    { x: '0', y: 0, width: 800, height: 600, maximized: false },
    { x: 0, y: 0, width: 0, height: 600, maximized: false },
    { x: 0, y: 0, width: -5, height: 600, maximized: false },
    { x: Number.NaN, y: 0, width: 800, height: 600, maximized: false },
    { x: 1e9, y: 0, width: 800, height: 600, maximized: false },
    { x: 0, y: 0, width: Number.POSITIVE_INFINITY, height: 600, maximized: false },
  ])('refuses %j', (value) => {
    expect(parseWindowState(value)).toBeNull();
  });
});

describe('placeWindow', () => {
  it('opens at the default size, centred on the primary display, when nothing was saved', () => {
    expect(placeWindow(null, [laptop], laptop)).toEqual({
      x: (1920 - DEFAULT_WINDOW_SIZE.width) / 2,
      y: 32 + (1048 - DEFAULT_WINDOW_SIZE.height) / 2,
      ...DEFAULT_WINDOW_SIZE,
      maximized: false,
    });
  });

  it('restores a window that is still on a display, including one left of the primary', () => {
    const onLaptop = { x: 100, y: 80, width: 1200, height: 800, maximized: false };
    expect(placeWindow(onLaptop, [laptop, leftMonitor], laptop)).toEqual(onLaptop);
    const onLeft = { x: -2400, y: 100, width: 1600, height: 1000, maximized: true };
    expect(placeWindow(onLeft, [laptop, leftMonitor], laptop)).toEqual(onLeft);
  });

  it('re-centres a window saved on a monitor that is no longer connected, keeping its size and maximized flag', () => {
    const onUnplugged = { x: -2400, y: 100, width: 1600, height: 900, maximized: true };
    const placed = placeWindow(onUnplugged, [laptop], laptop);
    expect(placed).toEqual({ x: (1920 - 1600) / 2, y: 32 + (1048 - 900) / 2, width: 1600, height: 900, maximized: true });
    expect(reachableWorkArea(placed, [laptop])).toBe(laptop);
  });

  it('re-centres a window whose title bar is off every display, even if part of it still shows', () => {
    // Only the bottom 100 px overlap the screen: the title bar is above it, so the window cannot be moved.
    const titleBarAbove = { x: 200, y: -700, width: 1000, height: 800, maximized: false };
    expect(placeWindow(titleBarAbove, [laptop], laptop)).toMatchObject({ x: 460, y: 32 + 124 });
    // Only a 50 px sliver at the right edge: not enough to grab.
    const sliver = { x: 1870, y: 100, width: 1000, height: 700, maximized: false };
    expect(placeWindow(sliver, [laptop], laptop)).toMatchObject({ x: 460, y: 32 + 174 });
  });

  it('keeps a window with enough of its title bar on screen where it was', () => {
    const mostlyOffRight = { x: 1700, y: 200, width: 1000, height: 700, maximized: false };
    expect(placeWindow(mostlyOffRight, [laptop], laptop)).toEqual(mostlyOffRight);
  });

  it('shrinks a window larger than its display (resolution lowered since)', () => {
    const huge = { x: 0, y: 32, width: 3000, height: 2000, maximized: false };
    expect(placeWindow(huge, [laptop], laptop)).toEqual({ x: 0, y: 32, width: 1920, height: 1048, maximized: false });
  });

  it('never goes below the minimum size unless the display itself is smaller', () => {
    const tiny = { x: 100, y: 100, width: 200, height: 100, maximized: false };
    expect(placeWindow(tiny, [laptop], laptop)).toMatchObject({ width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height });
    const smallScreen: Rectangle = { x: 0, y: 0, width: 800, height: 480 };
    expect(placeWindow(null, [smallScreen], smallScreen)).toEqual({ x: 0, y: 0, width: 800, height: 480, maximized: false });
  });
});

describe('readWindowState / writeWindowState', () => {
  let temp: ReturnType<typeof makeTempDir> | null = null;
  afterEach(() => {
    temp?.remove();
    temp = null;
  });

  it('round-trips the state through the file', async () => {
    temp = makeTempDir('window-state');
    const file = join(temp.dir, 'window-state.json');
    const state = { x: -2400, y: 100, width: 1600, height: 1000, maximized: true };
    await writeWindowState(file, state);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
    expect(await readWindowState(file)).toEqual(state);
  });

  it('treats a missing or damaged file as no saved state', async () => {
    temp = makeTempDir('window-state');
    const file = join(temp.dir, 'window-state.json');
    expect(await readWindowState(file)).toBeNull();
    writeFileSync(file, '{"x": 1, "y"');
    expect(await readWindowState(file)).toBeNull();
    writeFileSync(file, JSON.stringify({ x: 0, y: 0, width: 'wide', height: 600, maximized: false }));
    expect(await readWindowState(file)).toBeNull();
  });

  it('refuses to save garbage', async () => {
    temp = makeTempDir('window-state');
    await expect(writeWindowState(join(temp.dir, 'w.json'), { x: Number.NaN, y: 0, width: 1, height: 1, maximized: false })).rejects.toThrow(
      /invalid window state/,
    );
  });
});
