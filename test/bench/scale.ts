/**
 * How big a benchmark run is. `npm run bench -- --smoke` runs every benchmark at a small scale
 * (thousands of members, a few hundred samples) to prove each still runs end to end and prints
 * its figures; test/bench-smoke.test.ts does that inside `npm test`. Its figures mean nothing.
 * run.ts sets BENCH_SMOKE=1 for `--smoke`, so the benchmarks' child processes see it too.
 */
export const SMOKE = process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke');

/** A size: the environment variable `name` when set, else the full or the smoke size. */
export function size(name: string, full: number, smoke: number): number {
  const given = process.env[name];
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}=${given}: a positive whole number, please`);
    return n;
  }
  return SMOKE ? smoke : full;
}
