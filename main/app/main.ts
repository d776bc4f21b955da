/**
 * The Electron main entry (bundled to out/main/app/main.cjs). With a command
 * flag (--pair, --diagnostics, --restore) it runs the headless command and
 * exits with its status, taking no single-instance lock and opening no
 * window; otherwise it starts the shell.
 */
import { loadConfig } from '../platform-config/config-load.ts';
import { isCliInvocation, runCli } from './cli-commands.ts';
import { safeStorageKeySource } from './device-key.ts';
import { app, safeStorage } from './electron.ts';
import { prepareShell, startShell } from './shell.ts';

const args = process.argv.slice(app.isPackaged ? 1 : 2);

if (isCliInvocation(args)) {
  void app.whenReady().then(async () => {
    const code = await runCli(args, {
      keySource: (dbPath) => safeStorageKeySource(safeStorage, dbPath),
      versions: {
        app: app.getVersion(),
        electron: process.versions.electron,
        chrome: process.versions.chrome,
        node: process.versions.node,
      },
      env: process.env,
      out: (line) => process.stdout.write(line + '\n'),
      err: (line) => process.stderr.write(line + '\n'),
      now: Date.now,
    });
    app.exit(code);
  });
} else if (prepareShell()) {
  startShell(loadConfig(args)).catch((error: unknown) => {
    process.stderr.write(`Loyalty Terminal failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    app.exit(1);
  });
}
