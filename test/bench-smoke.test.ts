/**
 * Benchmarks cannot rot: `npm run bench -- --smoke` runs every benchmark (core, scan, decode, ui,
 * sync, scale) end to end at a small scale, in its own process as a developer runs it, and its last line
 * must be one JSON object with each benchmark's key figures. No timing thresholds: a smoke run's
 * figures mean nothing; that the benchmarks still run and still report them is what is checked.
 * A missing system package (socat, chromium, postgresql) fails here with the benchmark's message
 * naming the Debian package.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

/** Each benchmark's figures the docs quote: present, and numbers. */
const KEY_FIGURES: Record<string, string[]> = {
  core: [
    'lookup_card_p99_ms',
    'lookup_card_ratio',
    'search_phone_p99_ms',
    'commit_p99_ms',
    'commit_ratio',
    'commit_redeem_p99_ms',
    'bare_commit_p99_ms',
  ],
  scan: ['serial_to_member_p50_ms', 'serial_to_member_p99_ms'],
  decode: ['frame_median_ms', 'frame_median_ratio', 'bare_frame_median_ms'],
  ui: ['scan_to_paint_p95_ms', 'scan_to_paint_ratio', 'interactive_ms', 'js_gzip_kb', 'typical_sale_touches', 'typical_sale_keys'],
  sync: [
    'push_events_per_s',
    'push_ratio',
    'push_events_per_s_pglite',
    'push_events_per_s_two_servers',
    'push_two_servers_ratio',
    'deadlocks',
    'pull_1m_s',
    'pull_rss_mb',
    'terminal_db_mb_1m',
    'pull_bytes_per_out_of_scope_member',
    'hold_p99_ms',
  ],
  scale: ['scale_pull_s', 'scale_terminal_db_mb', 'scale_bytes_per_out_of_scope_member', 'scale_lookup_card_p99_ms', 'scale_commit_p99_ms'],
};

// The customer display's lag (test/bench/customer-display.ts), reported by the ui bench.
KEY_FIGURES.ui!.push('customer_display_lag_p95_ms');

function runSmoke(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, 'test/bench/run.ts', '--smoke'],
      { cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, BENCH_SMOKE: '1' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

test('every benchmark runs end to end at smoke scale and reports its figures as the last line', async () => {
  const { code, stdout, stderr } = await runSmoke();
  expect(code, `npm run bench -- --smoke failed:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`).toBe(0);
  const lines = stdout.trim().split('\n');
  const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  for (const [bench, keys] of Object.entries(KEY_FIGURES)) {
    for (const key of keys) expect(Number.isFinite(figures[key]), `${bench}: ${key} = ${JSON.stringify(figures[key])}`).toBe(true);
  }
  // Each ran at its smoke size, and did the work its figures describe.
  expect(figures).toMatchObject({ members: 3_000, scan_members: 3_000, push_events: 2_000 });
  expect(figures.commit_redeeming_sales).toBeGreaterThan(0);
  expect(figures.pull_members).toBeGreaterThanOrEqual(2_000);
  // Not a timing: PostgreSQL broke no deadlock in the sync runs (one and two server processes).
  expect(figures.deadlocks).toBe(0);
  expect(figures.decoders).toBeTypeOf('object');
  // The checkout's layout at 1024×768 is a fact, not a timing: every primary action on screen.
  expect(figures.primary_actions_in_viewport).toBe(true);
  // The human tables come first.
  expect(stdout).toContain('core: 3,000 members');
  expect(stdout).toContain('UI (Chromium');
}, 300_000);
