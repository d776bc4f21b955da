/** Percentiles and timing for benchmarks: they compare against a bare baseline measured in the same run. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  n: number;
}

/** Times `fn` once per input, after `warmup` untimed calls. */
export function time<T>(inputs: T[], fn: (input: T) => unknown, warmup = Math.min(200, inputs.length)): Timing {
  for (let i = 0; i < warmup; i++) fn(inputs[i % inputs.length]!);
  const samples: number[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const start = process.hrtime.bigint();
    fn(inputs[i]!);
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return summarize(samples);
}

/** Percentiles, max and mean of timings in ms. */
export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean,
    n: sorted.length,
  };
}

export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function rssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}
