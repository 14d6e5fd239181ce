import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from '../../../electron/main/menu-template.js';

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

const actions = (isMac: boolean, isPackaged: boolean) => ({ isMac, isPackaged, showAbout: vi.fn(), openLogsFolder: vi.fn() });

describe('buildMenuTemplate', () => {
  it('offers developer tools only in an unpackaged build', () => {
    const roles = (isPackaged: boolean) => flatten(buildMenuTemplate(actions(false, isPackaged))).map((item) => item.role);
    expect(roles(false)).toContain('toggleDevTools');
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).toEqual(expect.arrayContaining(['quit', 'undo', 'copy', 'paste', 'selectAll', 'reload', 'zoomIn', 'zoomOut', 'resetZoom']));
  });

  it('has File, Edit, View, Window and Help, with Quit in File off macOS', () => {
    const template = buildMenuTemplate(actions(false, true));
    expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    expect(template[0]?.submenu).toEqual([{ role: 'quit' }]);
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const template = buildMenuTemplate(actions(true, true));
    expect(template[0]?.label).toBe('Lifeboat');
    const appMenu = flatten([template[0] ?? {}]);
    expect(appMenu.map((item) => item.label ?? item.role)).toEqual(expect.arrayContaining(['About Lifeboat', 'quit']));
  });

  it('wires About and Open Logs Folder to the actions', () => {
    const wired = actions(false, true);
    const items = flatten(buildMenuTemplate(wired));
    const click = (label: string) => {
      const item = items.find((candidate) => candidate.label === label);
      expect(item?.click).toBeTypeOf('function');
      (item?.click as () => void)();
    };
    click('About Lifeboat');
    click('Open Logs Folder');
    expect(wired.showAbout).toHaveBeenCalledTimes(1);
    expect(wired.openLogsFolder).toHaveBeenCalledTimes(1);
  });
});
