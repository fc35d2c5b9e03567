// A stand-in for the `electron` module, loaded with `node -r` in front of the bundled main process
// (dist/shell/main.cjs) so the desktop app's composition runs under plain Node, where no Electron
// runtime exists. It records what the app does (windows, tray menus, protocol, IPC handlers) and
// reports it to the test over the IPC channel; the test drives it back (click a tray item, send
// an IPC message as a frame, quit). `utilityProcess.fork` becomes a Node child with a
// `process.parentPort` shim (FAKE_ELECTRON_PARENT_PORT_SHIM), so the engine runs in its own process.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- loaded with `node -r`, which takes CommonJS */
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { fork } = require('node:child_process');

const report = (type, data) => process.send && process.send({ fake: type, data });
const appEvents = new EventEmitter();
const ipcHandlers = new Map();
const ipcListeners = new EventEmitter();
let protocolHandler = null;
let lastMenu = null;
let nextContentsId = 1;

function serialize(items) {
  return items.map((item) => ({ id: item.id, type: item.type, label: item.label, checked: item.checked, enabled: item.enabled, submenu: item.submenu && serialize(item.submenu) }));
}
function findItem(items, id) {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu && findItem(item.submenu, id);
    if (inner) return inner;
  }
  return null;
}

class FakeWebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextContentsId++;
    this.sent = [];
  }
  setWindowOpenHandler(handler) { this.windowOpenHandler = handler; }
  send(...args) { this.sent.push(args); report('webcontents-send', args.slice(0, 2)); }
  isDestroyed() { return false; }
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new FakeWebContents();
    this.visible = false;
    BrowserWindow.all.push(this);
    report('window-created', { webPreferences: options.webPreferences, show: options.show });
    appEvents.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) { report('window-load', url); setImmediate(() => this.emit('ready-to-show')); }
  show() { this.visible = true; report('window-show'); }
  hide() { this.visible = false; report('window-hide'); }
  focus() {}
  isMinimized() { return false; }
  restore() {}
  isDestroyed() { return false; }
}
BrowserWindow.all = [];

const app = {
  isPackaged: false,
  on(event, listener) { appEvents.on(event, listener); return app; },
  setPath(name, value) { report('set-path', { name, value }); },
  enableSandbox() { report('enable-sandbox'); },
  requestSingleInstanceLock() { return true; },
  whenReady() { return Promise.resolve(); },
  setAppUserModelId() {},
  getLoginItemSettings() { return { openAtLogin: false, wasOpenedAtLogin: false }; },
  setLoginItemSettings() {},
  quit() {
    let prevented = false;
    appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) { report('quit'); setImmediate(() => process.exit(0)); }
  },
  exit(code) { process.exit(code); },
};

const electron = {
  app,
  BrowserWindow,
  protocol: {
    registerSchemesAsPrivileged(schemes) { report('schemes', schemes); },
    handle(scheme, handler) { protocolHandler = handler; report('protocol-handle', scheme); },
  },
  Menu: {
    buildFromTemplate(template) { return { template, getMenuItemById: (id) => findItem(template, id) }; },
    setApplicationMenu() {},
  },
  Tray: class extends EventEmitter {
    setContextMenu(menu) { lastMenu = menu; report('tray-menu', serialize(menu.template)); }
    setToolTip(text) { report('tray-tooltip', text); }
    setImage(image) { report('tray-image', image.path); }
    destroy() {}
  },
  nativeImage: { createFromPath: (path) => ({ path }) },
  Notification: class extends EventEmitter {
    static isSupported() { return false; }
    show() {}
  },
  safeStorage: {
    isAsyncEncryptionAvailable: async () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptStringAsync: async (plain) => Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').reverse()]),
    decryptStringAsync: async (encrypted) => ({ result: Buffer.from(encrypted.subarray(3)).reverse().toString('utf8'), shouldReEncrypt: false }),
  },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } },
  shell: { openExternal: async (url) => report('open-external', url) },
  dialog: {
    showMessageBox: async (options) => { report('dialog', options); return { response: 0 }; },
    showErrorBox: (title, content) => report('error-box', { title, content }),
  },
  ipcMain: {
    handle(channel, handler) { ipcHandlers.set(channel, handler); },
    removeHandler(channel) { ipcHandlers.delete(channel); },
    on(channel, listener) { ipcListeners.on(channel, listener); },
    removeListener(channel, listener) { ipcListeners.off(channel, listener); },
  },
  utilityProcess: {
    fork(modulePath, args, options) {
      const child = fork(modulePath, args, { execArgv: ['-r', process.env.FAKE_ELECTRON_PARENT_PORT_SHIM], env: process.env, stdio: 'inherit' });
      const proc = new EventEmitter();
      child.on('message', (message) => proc.emit('message', message));
      child.on('exit', (code) => { report('engine-exit', code); proc.emit('exit', code ?? 0); });
      proc.postMessage = (message) => child.send(message);
      proc.kill = () => child.kill();
      report('utility-fork', { modulePath, serviceName: options.serviceName, pid: child.pid });
      return proc;
    },
  },
};

// What the test asks for.
process.on('message', async (command) => {
  if (!command || typeof command.fake !== 'string') return;
  if (command.fake === 'click') {
    const item = lastMenu && findItem(lastMenu.template, command.id);
    if (item && item.click) item.click();
    report('clicked', command.id);
  } else if (command.fake === 'ipc-call') {
    const window = BrowserWindow.all[0];
    const frame = { url: command.frameUrl, parent: command.subframe ? { url: 'app://portico/index.html', parent: null } : null };
    const answer = await ipcHandlers.get('portico:call')({ sender: window.webContents, senderFrame: frame }, command.name, command.input);
    report('ipc-answer', answer);
  } else if (command.fake === 'fetch-app') {
    const response = await protocolHandler(new Request(command.url));
    report('app-response', { status: response.status, csp: response.headers.get('content-security-policy') });
  } else if (command.fake === 'navigate') {
    const contents = BrowserWindow.all[0].webContents;
    let prevented = false;
    contents.emit('will-navigate', { url: command.url, preventDefault: () => (prevented = true) });
    const opened = contents.windowOpenHandler({ url: command.url });
    report('navigate-result', { prevented, windowOpen: opened });
  } else if (command.fake === 'second-instance') {
    appEvents.emit('second-instance', {}, [], '');
  } else if (command.fake === 'close-window') {
    let prevented = false;
    BrowserWindow.all[0].emit('close', { preventDefault: () => (prevented = true) });
    report('close-result', { prevented });
  } else if (command.fake === 'quit') {
    app.quit();
  }
});

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return electron;
  return originalLoad.call(this, request, parent, isMain);
};
