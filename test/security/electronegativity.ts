/**
 * `npm run security`: Electronegativity over the Electron shell (main/app,
 * preload included). Fails on any HIGH or MEDIUM finding. Offline: the tool
 * tries to fetch Electron's release list and carries on without it; the
 * Electron version is given so it does not guess.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;
const CLI = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');

export interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  description: string;
}

/** The tool's CSV (quoted fields, no embedded newlines) to findings. */
export function parseFindings(csv: string): Finding[] {
  return csv
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replaceAll('""', '"'));
      return {
        issue: cells[0]!,
        severity: cells[1]!,
        confidence: cells[2]!,
        file: cells[3]!,
        location: cells[4]!,
        description: cells[6] ?? '',
      };
    });
}

export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  const out = join(dir, 'findings.csv');
  try {
    const run = spawnSync(process.execPath, [CLI, '-i', join(ROOT, 'main/app'), '-o', out, '-e', ELECTRON_VERSION, '-r', '-v', 'false'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr);
      throw new Error(`electronegativity exited with ${run.status ?? run.signal}`);
    }
    const findings = parseFindings(readFileSync(out, 'utf8'));
    for (const f of findings)
      process.stdout.write(`${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.issue} ${f.file}:${f.location} ${f.description}\n`);
    const bad = blocking(findings);
    process.stdout.write(
      `electronegativity (Electron ${ELECTRON_VERSION}) over main/app: ${findings.length} finding(s), ${bad.length} high or medium\n`,
    );
    if (bad.length > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
