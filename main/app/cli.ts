/**
 * The Node entry of the headless commands (`tsx main/app/cli.ts --pair …`):
 * the same runCli the Electron app runs when started with these flags, with
 * the device key in the key file (Node has no safeStorage).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runCli, type CliDeps } from './cli-commands.ts';
import { nodeKeySource } from './device-key.ts';

export function nodeCliDeps(): CliDeps {
  let version = 'dev';
  try {
    version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // bundled without package.json beside it: 'dev'
  }
  return {
    keySource: nodeKeySource,
    versions: { app: version, node: process.versions.node },
    env: process.env,
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    now: Date.now,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), nodeCliDeps());
}
