/**
 * Exact integer arithmetic for points and money. Products such as
 * amount × rate × multiplier can pass 2^53, so they are computed as BigInt;
 * division floors (towards −∞) so a fraction of a point is never given.
 */

/** floor(f1 × f2 × … / divisor), exact for any safe-integer inputs. */
export function mulDivFloor(factors: readonly number[], divisor: number): number {
  if (divisor === 0) throw new RangeError('division by zero');
  let n = 1n;
  for (const f of factors) n *= BigInt(f); // BigInt() throws on a non-integer: a bug, not input
  const d = BigInt(divisor);
  let q = n / d; // truncates towards zero
  if (n % d !== 0n && n < 0n !== d < 0n) q -= 1n;
  return Number(q);
}

/** A multiplier with at most two decimals as integer hundredths (1.25 → 125). */
export function hundredths(multiplier: number): number {
  return Math.round(multiplier * 100);
}

/** "1.25", "2", "0.5": a multiplier in hundredths for a human. */
export function formatMultiplier(h: number): string {
  return String(h / 100);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
