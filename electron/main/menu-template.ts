// The application menu as data. Only a type comes from `electron` (erased when compiled), so the tests can check
// the template, e.g. that a packaged build offers no developer tools.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** macOS puts the app menu (About, Hide, Quit) first; elsewhere Quit lives in File and About in Help. */
  isMac: boolean;
  /** Packaged builds have no developer tools entry. */
  isPackaged: boolean;
  showAbout(): void;
  openLogsFolder(): void;
}

export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: 'About Lifeboat', click: () => actions.showAbout() };
  const template: MenuItemConstructorOptions[] = [];
  if (actions.isMac) {
    template.push({
      label: 'Lifeboat',
      submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push({ label: '&File', submenu: [actions.isMac ? { role: 'close' } : { role: 'quit' }] });
  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(actions.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: '&Window',
    submenu: actions.isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [...(actions.isMac ? [] : [about, { type: 'separator' } as const]), { label: 'Open Logs Folder', click: () => actions.openLogsFolder() }],
  });
  return template;
}
