/**
 * Bundles the Electron side for packaging: three CommonJS files (a sandboxed
 * preload must be one CommonJS file; CJS main and utilityProcess entries are
 * the most portable across Electron versions). They keep the source folders'
 * depth under out/ so paths computed from import.meta.url (the migrations in
 * db/terminal/, the renderer in dist/renderer/) resolve the same in the app.
 * Native and Electron modules stay external: electron-builder ships them.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXTERNAL = ['electron', 'electron-updater', 'better-sqlite3', '@serialport/bindings-cpp', '@serialport/stream', 'yazl'];

export async function bundleApp(outDir = `${ROOT}/out`): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    sourcemap: 'linked' as const,
    external: EXTERNAL,
    absWorkingDir: ROOT,
    // import.meta.url in CommonJS: the bundle's own file URL.
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning' as const,
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/app/main.ts'], outfile: `${outDir}/main/app/main.cjs` }),
    build({ ...common, entryPoints: ['main/backend/process-main.ts'], outfile: `${outDir}/main/backend/process-main.cjs` }),
    build({
      ...common,
      entryPoints: ['main/app/preload.ts'],
      outfile: `${outDir}/main/app/preload.cjs`,
      external: ['electron'],
      platform: 'browser',
      banner: {},
      define: {},
    }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundleApp();
