import { EventEmitter } from 'node:events';

/**
 * A tiny stand-in for the 'electron' module (the binary cannot run here): it
 * records what the shell asked for, so tests can assert on it and drive the
 * events (ready, web-contents-created, IPC, a backend process exiting).
 */
export const calls: { name: string; args: unknown[] }[] = [];
const record = (name: string, ...args: unknown[]) => void calls.push({ name, args });

class Recorder extends EventEmitter {
  emitWith(event: string, ...args: unknown[]) {
    return this.emit(event, ...args);
  }
}

export const state = { singleInstance: true };

export const app = Object.assign(new Recorder(), {
  isPackaged: false,
  requestSingleInstanceLock: () => state.singleInstance,
  quit: () => record('app.quit'),
  exit: (code: number) => record('app.exit', code),
  enableSandbox: () => record('app.enableSandbox'),
  whenReady: () => Promise.resolve(),
  setAppLogsPath: (p: string) => record('app.setAppLogsPath', p),
  getVersion: () => '9.9.9',
});

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => record('protocol.registerSchemesAsPrivileged', schemes),
  handlers: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
  handle(scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>) {
    this.handlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    permissionRequest: null as null | ((...args: unknown[]) => void),
    permissionCheck: null as null | ((...args: unknown[]) => boolean),
    deviceCheck: null as null | ((...args: unknown[]) => boolean),
    headers: null as null | ((...args: unknown[]) => void),
    setPermissionRequestHandler(h: (...args: unknown[]) => void) {
      this.permissionRequest = h;
    },
    setPermissionCheckHandler(h: (...args: unknown[]) => boolean) {
      this.permissionCheck = h;
    },
    setDevicePermissionHandler(h: (...args: unknown[]) => boolean) {
      this.deviceCheck = h;
    },
    webRequest: {
      onHeadersReceived(h: (...args: unknown[]) => void) {
        session.defaultSession.headers = h;
      },
    },
  },
};

export class BrowserWindow extends Recorder {
  static instances: BrowserWindow[] = [];
  visible = false;
  url = '';
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
  removeMenu() {}
  show() {
    this.visible = true;
  }
  showInactive() {
    this.visible = true;
  }
  loadURL(url: string) {
    this.url = url;
    return Promise.resolve();
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {
    record('window.focus');
  }
}

export const ipcMain = Object.assign(new Recorder(), {});

export class FakeUtilityProcess extends Recorder {
  static instances: FakeUtilityProcess[] = [];
  posted: { message: unknown; transfer?: unknown[] }[] = [];
  killed = false;
  pid = 1000 + FakeUtilityProcess.instances.length;
  stderr = null;
  constructor(
    readonly modulePath: string,
    readonly options: Record<string, unknown>,
  ) {
    super();
    FakeUtilityProcess.instances.push(this);
  }
  postMessage(message: unknown, transfer?: unknown[]) {
    this.posted.push({ message, ...(transfer ? { transfer } : {}) });
  }
  kill() {
    this.killed = true;
    this.emit('exit', 9);
    return true;
  }
}

export const utilityProcess = {
  fork: (modulePath: string, _args: string[], options: Record<string, unknown>) => new FakeUtilityProcess(modulePath, options),
};

let channels = 0;
export class MessageChannelMain {
  readonly n = ++channels;
  port1 = { side: 'renderer', channel: this.n };
  port2 = { side: 'backend', channel: this.n };
}

export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: (s: string) => Buffer.from(s),
  decryptString: (b: Buffer) => b.toString(),
};

export const powerMonitor = { getSystemIdleTime: () => 0 };

/** The screens attached: the cashier's (primary) and, when a test adds it, a customer-facing one. */
export const screen = {
  displays: [{ id: 1, bounds: { x: 0, y: 0, width: 1280, height: 800 } }],
  getAllDisplays: () => screen.displays,
  getPrimaryDisplay: () => screen.displays[0]!,
};

export function reset(): void {
  calls.length = 0;
  state.singleInstance = true;
  app.removeAllListeners();
  ipcMain.removeAllListeners();
  protocol.handlers.clear();
  BrowserWindow.instances.length = 0;
  FakeUtilityProcess.instances.length = 0;
}
