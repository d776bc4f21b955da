import { benchScale } from './chain.ts';
import { benchCore } from './core.ts';
import { benchDecode } from './decode.ts';
import { benchScan } from './scan.ts';
import { SMOKE } from './scale.ts';
import { benchSync } from './sync.ts';
import { benchUi } from './ui.ts';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- core` one of them.
 * A human table first, then one JSON line with every figure, last.
 * `--smoke`: every benchmark at a small scale (scale.ts), to prove each still runs; its figures mean nothing.
 * Flags after the names (`--corpus DIR`) are for the benchmarks: each reads its own from process.argv.
 */
// Figures are numbers, or nested groups of them (per set, per decoder).
type Figures = Record<string, unknown>;
type Bench = (log: (line: string) => void) => Figures | Promise<Figures>;
const benches: Record<string, Bench> = {
  core: benchCore,
  scan: benchScan,
  decode: benchDecode,
  ui: benchUi,
  sync: benchSync,
  scale: benchScale,
};

// A flag's value (`--corpus DIR`) is not a benchmark name.
const VALUE_FLAGS = new Set(['--corpus']);
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUE_FLAGS.has(all[i - 1] ?? ''));
// The benchmarks' child processes (sync) run at the same scale.
if (SMOKE) process.env.BENCH_SMOKE = '1';
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (have: ${Object.keys(benches).join(', ')})`);
  process.exit(2);
}
const figures: Figures = {};
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  Object.assign(figures, await benches[name]!((line) => console.log(line)));
}
console.log(JSON.stringify(figures));
