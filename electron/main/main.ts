// The Electron main process: one window showing the built renderer from app://lifeboat/, the engine behind the
// one IPC channel, and the OS integration only Electron can give (menus, safeStorage, the single-instance lock).
// Kept thin on purpose: every decision worth testing lives in the electron-free modules beside this file
// (app-protocol, window-state, trusted-sender, navigation-policy, safe-storage-cipher, menu-template).
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  type WebContents,
} from 'electron';
import log from 'electron-log/main';
import { basename, dirname, join } from 'node:path';
import { systemClock } from '../engine/clock.js';
import { readSettings } from '../engine/catalog/settings-table.js';
import { labDir } from '../engine/clusters/lab-cluster.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { dataDirLayout, PRODUCT_NAME } from '../engine/paths.js';
import { createLogger, formatLogLine, LOG_LEVELS, type Logger, type LogLevel, type LogSink } from '../engine/logging/logger.js';
import { createFileSecretStore } from '../engine/secrets/secret-store.js';
import { attachElectronIpcHost, type ElectronIpcHost } from '../engine/transport/electron-ipc-host.js';
import { APP_ENTRY_URL, APP_SCHEME, createAppRequestHandler, loadDesktopCsp } from './app-protocol.js';
import { desktopPaths } from './desktop-paths.js';
import { describeJobEnd } from './job-notification.js';
import { buildMenuTemplate } from './menu-template.js';
import { externalUrlToOpen, isAllowedNavigation } from './navigation-policy.js';
import { createSafeStorageCipher, secretStorageProblem } from './safe-storage-cipher.js';
import { isTrustedSender } from './trusted-sender.js';
import { RELAUNCHED_ENV, relaunchForV8Flags } from './v8-relaunch.js';
import { MIN_WINDOW_SIZE, placeWindow, readWindowState, WINDOW_STATE_FILE_NAME, writeWindowState } from './window-state.js';

const { rendererDir, preloadFile } = desktopPaths(import.meta.url);
/** How long quitting waits for the engine to stop before giving up on it. */
const ENGINE_CLOSE_TIMEOUT_MS = 15_000;

// Before `ready`, and in every instance: a privileged standard scheme gets a real origin, counts as secure, and
// may use fetch; without `standard`, relative URLs and 'self' in the CSP would not resolve.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// First, before taking the single-instance lock, which the relaunched instance needs.
const relaunch = relaunchForV8Flags(process.argv, app.commandLine.getSwitchValue('js-flags'), process.env);
if (relaunch !== null) {
  process.env[RELAUNCHED_ENV] = '1';
  app.relaunch(relaunch);
  app.exit(0);
} else if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another Lifeboat already runs on this data folder: it gets a `second-instance` event and shows its window.
  app.quit();
}

function logLevelFromEnv(): LogLevel {
  const wanted = process.env.LIFEBOAT_LOG_LEVEL;
  return LOG_LEVELS.find((level) => level === wanted) ?? 'info';
}

/** electron-log (file + console) behind the engine's Logger, so records are redacted before either sees them. */
function createDesktopLogger(dataDir: string): { logger: Logger; logFile: string } {
  const logFile = join(dataDirLayout(dataDir).logsDir, 'lifeboat.log');
  log.transports.file.resolvePathFn = () => logFile;
  // formatLogLine already carries time and level; the Logger filters by level before this point.
  log.transports.file.format = '{text}';
  log.transports.file.level = 'debug';
  log.transports.console.format = '{text}';
  log.transports.console.level = 'debug';
  // electron-log listens for renderer log messages on its own IPC channel; our preload cannot reach it, and
  // removing it leaves no path into the log file that skips redaction.
  ipcMain.removeAllListeners('__ELECTRON_LOG__');
  ipcMain.removeHandler('__ELECTRON_LOG__');
  const sink: LogSink = (record) => log[record.level](formatLogLine(record));
  return { logger: createLogger([sink], { minLevel: logLevelFromEnv() }), logFile };
}

/** Where the onboarding proposes a new repository: in the user's documents folder, or the home folder without one. */
function documentsFolder(): string {
  try {
    return app.getPath('documents');
  } catch {
    // Some Linux desktops define no documents folder; Electron throws rather than answer.
    return app.getPath('home');
  }
}

function start(): void {
  // The one place the data folder is chosen: the engine, secrets, logs and window state all live below it.
  const userData = app.getPath('userData');
  const { logger, logFile } = createDesktopLogger(userData);
  if (basename(userData) !== PRODUCT_NAME) {
    // Electron names the folder after package.json's productName (else its name); the CLI and headless server
    // use PRODUCT_NAME. On a case-sensitive file system "lifeboat" and "Lifeboat" are two catalogs.
    logger.warn('the data folder is not the one the CLI and headless server use by default', { dataDir: userData, expectedName: PRODUCT_NAME });
  }
  const windowStateFile = join(userData, WINDOW_STATE_FILE_NAME);
  /** WebContents ids of our windows: the only senders whose IPC messages the engine accepts. */
  const ownContents = new Set<number>();
  /** Window-state writes still in flight, awaited before the process exits. */
  const pendingWrites = new Set<Promise<void>>();
  let engine: Engine | null = null;
  let ipcHost: ElectronIpcHost | null = null;
  let mainWindow: BrowserWindow | null = null;
  let shutdown: 'running' | 'stopping' | 'stopped' = 'running';

  if (process.platform === 'win32') app.setAppUserModelId('org.lifeboat.app');

  const fail = (what: string, error: unknown): void => {
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    logger.error(what, { error });
    // One line on the terminal (the start script shows it, then falls back to headless mode); a dialog when
    // there is no terminal, i.e. in the packaged app.
    console.error(`Lifeboat could not start: ${message}`);
    if (app.isPackaged) dialog.showErrorBox('Lifeboat could not start', message);
    void engine?.close().catch(() => undefined);
    app.exit(1);
  };

  /** Brings the window to the front, or opens it again (macOS keeps running with none). */
  const revealWindow = (): void => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
      return;
    }
    // Before startup has finished there is nothing to open yet; startup opens the window itself.
    if (!engine || shutdown !== 'running') return;
    createMainWindow().catch((error: unknown) => logger.error('could not open the window', { error }));
  };

  const saveWindowState = (win: BrowserWindow): void => {
    const write = writeWindowState(windowStateFile, { ...win.getNormalBounds(), maximized: win.isMaximized() })
      .catch((error: unknown) => logger.warn('could not save the window state', { error }))
      .finally(() => pendingWrites.delete(write));
    pendingWrites.add(write);
  };

  const guardContents = (contents: WebContents): void => {
    const contentsId = contents.id;
    const blockUnlessApp = (event: { url: string; preventDefault(): void }): void => {
      if (isAllowedNavigation(event.url)) return;
      event.preventDefault();
      logger.warn('navigation away from the app blocked', { url: event.url });
    };
    contents.on('will-navigate', blockUnlessApp);
    contents.on('will-redirect', blockUnlessApp);
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrlToOpen(url);
      if (external) {
        shell.openExternal(external).catch((error: unknown) => logger.warn('could not open a link in the browser', { url: external, error }));
      } else {
        logger.warn('window.open refused', { url });
      }
      return { action: 'deny' };
    });
    // A new page in the same WebContents (reload, navigation) must not inherit the old page's calls and
    // subscriptions; the IPC host opens a fresh connection on its first message.
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) ipcHost?.resetSender(contentsId);
    });
    contents.on('render-process-gone', (_event, details) => {
      logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
      ipcHost?.resetSender(contentsId);
    });
  };

  const createMainWindow = async (): Promise<void> => {
    const saved = await readWindowState(windowStateFile);
    const placed = placeWindow(
      saved,
      screen.getAllDisplays().map((display) => display.workArea),
      screen.getPrimaryDisplay().workArea,
    );
    const win = new BrowserWindow({
      x: placed.x,
      y: placed.y,
      width: placed.width,
      height: placed.height,
      minWidth: Math.min(MIN_WINDOW_SIZE.width, placed.width),
      minHeight: Math.min(MIN_WINDOW_SIZE.height, placed.height),
      title: 'Lifeboat',
      show: false,
      webPreferences: {
        preload: preloadFile,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        devTools: !app.isPackaged,
      },
    });
    mainWindow = win;
    const contentsId = win.webContents.id;
    ownContents.add(contentsId);
    guardContents(win.webContents);
    win.once('ready-to-show', () => {
      if (placed.maximized) win.maximize();
      win.show();
    });
    win.on('close', () => saveWindowState(win));
    win.on('closed', () => {
      ownContents.delete(contentsId);
      ipcHost?.resetSender(contentsId);
      if (mainWindow === win) mainWindow = null;
    });
    await win.loadURL(APP_ENTRY_URL);
  };

  const stopEngine = async (): Promise<void> => {
    await Promise.allSettled([...pendingWrites]);
    ipcHost?.detach();
    ipcHost = null;
    if (!engine) return;
    const stopping = engine.close();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ENGINE_CLOSE_TIMEOUT_MS).unref());
    if ((await Promise.race([stopping.then(() => 'stopped' as const), timeout])) === 'timeout') {
      logger.error('the engine did not stop in time; quitting anyway', { timeoutMs: ENGINE_CLOSE_TIMEOUT_MS });
    }
  };

  app.on('second-instance', revealWindow);

  // Defence in depth for any WebContents, including ones we never meant to create: no <webview>, no popups.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  // With "keep running in the tray", closing the window leaves the engine (and its schedules) running; the tray
  // icon brings the window back or quits.
  let tray: Tray | null = null;
  const showTray = (): void => {
    if (tray) return;
    tray = new Tray(nativeImage.createFromPath(join(rendererDir, 'tray-icon.png')));
    tray.setToolTip('Lifeboat: scheduled backups keep running');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Lifeboat', click: revealWindow },
        { type: 'separator' },
        { label: 'Quit Lifeboat', click: () => app.quit() },
      ]),
    );
    tray.on('click', revealWindow);
  };

  app.on('window-all-closed', () => {
    if (engine && shutdown === 'running' && readSettings(engine.catalog).keepRunningInTray) {
      showTray();
      return;
    }
    // macOS keeps an app running without windows; the Dock icon or `activate` brings the window back.
    if (process.platform !== 'darwin') app.quit();
  });

  // `will-quit` rather than `before-quit`: it comes after every window has closed, so no page can still be
  // talking to the engine while it stops. Quitting is held until the engine has closed the catalog.
  app.on('will-quit', (event) => {
    if (shutdown === 'stopped') return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    stopEngine()
      .catch((error: unknown) => logger.error('error while stopping the engine', { error }))
      .finally(() => {
        shutdown = 'stopped';
        app.quit();
      });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  process.on('unhandledRejection', (reason) => logger.error('unhandled promise rejection', { error: reason }));

  app
    .whenReady()
    .then(async () => {
      // The renderer needs no camera, notifications, geolocation, USB...: every request and check is refused,
      // except writing text to the clipboard from our own page ("Copy error details" for support).
      const allowed = (permission: string, origin: string): boolean =>
        permission === 'clipboard-sanitized-write' && origin.startsWith(`${APP_SCHEME}://`);
      session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
        callback(allowed(permission, details.requestingUrl ?? '')),
      );
      session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) => allowed(permission, origin));
      session.defaultSession.setDevicePermissionHandler(() => false);

      let csp: string;
      try {
        csp = await loadDesktopCsp(rendererDir);
      } catch (error) {
        fail(`the renderer is not built (${rendererDir}); run \`npm run build\``, error);
        return;
      }
      protocol.handle(APP_SCHEME, createAppRequestHandler({ rootDir: rendererDir, csp }));

      const secretProblem = secretStorageProblem(safeStorage, process.platform);
      if (secretProblem) logger.warn(secretProblem);
      const secrets = createFileSecretStore(dataDirLayout(userData).secretsFile, createSafeStorageCipher(safeStorage, process.platform));
      const sqliteBinding = process.env.LIFEBOAT_SQLITE_BINDING;
      try {
        engine = createEngine({
          dataDir: userData,
          logger,
          clock: systemClock,
          secrets,
          mode: 'desktop',
          version: app.getVersion(),
          runSchedules: true,
          userDocumentsDir: documentsFolder(),
          // A developer's lab (docs/LAB.md), offered by the onboarding when it is there; absent on users' machines.
          labDir: labDir(),
          onJobEnded: (summary) => {
            if (!engine || !readSettings(engine.catalog).notifyOnJobEnd || !Notification.isSupported()) return;
            new Notification(describeJobEnd(summary)).show();
          },
          ...(sqliteBinding ? { sqliteNativeBinding: sqliteBinding } : {}),
        });
      } catch (error) {
        fail('the engine could not start', error);
        return;
      }
      ipcHost = attachElectronIpcHost({
        ipcMain,
        connect: engine.connect,
        isTrustedSender: (event) => isTrustedSender(event, ownContents),
        logger: logger.child({ component: 'electron-ipc' }),
      });

      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          buildMenuTemplate({
            isMac: process.platform === 'darwin',
            isPackaged: app.isPackaged,
            showAbout: () => {
              const options = {
                type: 'info' as const,
                title: 'About Lifeboat',
                message: `Lifeboat ${app.getVersion()}`,
                detail:
                  'Agentless VM backup.\n\n' +
                  `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}\n` +
                  `Data folder: ${userData}`,
                buttons: ['OK'],
              };
              void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
            },
            openLogsFolder: () => {
              void shell.openPath(dirname(logFile)).then((problem) => {
                if (problem) logger.warn('could not open the logs folder', { folder: dirname(logFile), problem });
              });
            },
          }),
        ),
      );

      app.on('activate', revealWindow);
      await createMainWindow();
      logger.info('desktop app ready', { electron: process.versions.electron, logFile });
    })
    .catch((error: unknown) => fail('the window could not be opened', error));
}
