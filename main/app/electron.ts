/**
 * The seam: the shell's only runtime import of 'electron'. Everything else in
 * main/app takes these objects from here (or as arguments), so tests replace
 * the module with a small fake (vi.mock('electron')) — the Electron binary
 * cannot run on the test machines.
 */
export {
  app,
  BrowserWindow,
  ipcMain,
  MessageChannelMain,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  utilityProcess,
} from 'electron';
