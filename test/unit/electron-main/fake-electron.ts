// A stand-in for the parts of Electron that electron/main/main.ts uses, recording what it is asked to do, so the
// wiring test can run main.ts under plain Node (the Electron binary cannot run on the machines the tests run on).
// It mimics the event order Electron documents: quit → before-quit → windows close → will-quit → quit.
import { EventEmitter } from 'node:events';
import { ENGINE_V8_FLAGS } from '../../../electron/engine/v8-flags.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export interface Recorder {
  userData: string;
  documents: string;
  workAreas: Rect[];
  schemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  windows: FakeBrowserWindow[];
  opened: string[];
  menu: unknown;
  permissionRequest: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null;
  permissionCheck: ((contents: unknown, permission: string, origin: string, details: unknown) => boolean) | null;
  exitCode: number | null;
  quitted: boolean;
  errorBoxes: string[];
  /** The `--js-flags` switch the fake app was started with: by default, the engine's flags. */
  jsFlags: string;
  relaunches: unknown[];
}

export const recorder: Recorder = {
  userData: '',
  documents: '',
  workAreas: [{ x: 0, y: 0, width: 1920, height: 1080 }],
  schemes: [],
  protocolHandlers: new Map(),
  windows: [],
  opened: [],
  menu: null,
  permissionRequest: null,
  permissionCheck: null,
  exitCode: null,
  quitted: false,
  errorBoxes: [],
  jsFlags: ENGINE_V8_FLAGS.join(' '),
  relaunches: [],
};

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; message: unknown }[] = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

class FakeApp extends EventEmitter {
  readonly isPackaged = false;
  private ready = false;
  getPath(name: string): string {
    if (name === 'userData') return recorder.userData;
    if (name === 'documents') return recorder.documents;
    throw new Error(`main.ts should only ask for userData and documents, not ${name}`);
  }
  getVersion(): string {
    return '0.1.0-test';
  }
  readonly commandLine = {
    getSwitchValue: (name: string): string => (name === 'js-flags' ? recorder.jsFlags : ''),
  };
  relaunch(options: unknown): void {
    recorder.relaunches.push(options);
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  setAppUserModelId(): void {}
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return new Promise((resolve) =>
      setTimeout(() => {
        this.ready = true;
        this.emit('ready');
        resolve();
      }, 5),
    );
  }
  quit(): void {
    const beforeQuit = fakeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    for (const win of recorder.windows) if (!win.destroyed) win.close();
    const willQuit = fakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented || recorder.quitted) return;
    recorder.quitted = true;
    this.emit('quit');
  }
  exit(code: number): void {
    recorder.exitCode = code;
  }
}

export const app = new FakeApp();

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  bounds: Rect;
  maximized = false;
  shown = false;
  destroyed = false;
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, unknown> & Rect) {
    super();
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
    recorder.windows.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    const handler = recorder.protocolHandlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME ${url}`);
    const response = await handler(new Request(url));
    if (response.status !== 200) throw new Error(`ERR_FILE_NOT_FOUND ${url}`);
    this.loadedUrl = url;
    setTimeout(() => this.emit('ready-to-show'), 1);
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Rect {
    return this.bounds;
  }
  close(): void {
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
    if (recorder.windows.every((win) => win.destroyed)) app.emit('window-all-closed');
  }
}

class FakeIpcMain extends EventEmitter {
  removeHandler(): void {}
  handle(): void {}
}

export const ipcMain = new FakeIpcMain();

export const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain,
  dialog: {
    showErrorBox: (title: string, message: string) => recorder.errorBoxes.push(`${title}: ${message}`),
    showMessageBox: async () => ({ response: 0 }),
  },
  Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => (recorder.menu = menu) },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  Notification: class {
    static isSupported(): boolean {
      return false;
    }
    show(): void {}
  },
  Tray: class {
    setToolTip(): void {}
    setContextMenu(): void {}
    on(): void {}
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => recorder.schemes.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => recorder.protocolHandlers.set(scheme, handler),
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('base64')}`),
    decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().slice('sealed:'.length), 'base64').toString(),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  },
  screen: {
    getAllDisplays: () => recorder.workAreas.map((workArea) => ({ workArea })),
    getPrimaryDisplay: () => ({ workArea: recorder.workAreas[0] }),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: Recorder['permissionRequest']) => (recorder.permissionRequest = handler),
      setPermissionCheckHandler: (handler: Recorder['permissionCheck']) => (recorder.permissionCheck = handler),
      setDevicePermissionHandler: () => undefined,
    },
  },
  shell: {
    openExternal: async (url: string) => {
      recorder.opened.push(url);
    },
    openPath: async () => '',
  },
};

/** electron-log's main-process logger, reduced to what main.ts configures and calls. */
export const logLines: string[] = [];
const transport = { format: '', level: '' as string | false, resolvePathFn: (() => '') as () => string };
export const fakeElectronLog = {
  transports: { file: { ...transport }, console: { ...transport } },
  debug: (line: string) => logLines.push(line),
  info: (line: string) => logLines.push(line),
  warn: (line: string) => logLines.push(line),
  error: (line: string) => logLines.push(line),
};
