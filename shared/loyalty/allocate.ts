/**
 * Split an integer total over weights in proportion, by the largest-remainder
 * method: every share is floor(total × w / Σw), and the units left over go to
 * the largest remainders (ties to the earlier index). The shares sum to the
 * total exactly, so a discount or a point is never created or lost by rounding.
 *
 * - total and weights must be non-negative safe integers (a RangeError otherwise:
 *   that is a programming error, not user input).
 * - A zero weight always gets 0.
 * - When every weight is 0 (or there are none) there is no proportion to follow:
 *   all shares are 0, so the sum is then 0, not `total`. Callers that must
 *   place a positive total check for a positive weight first.
 *
 * BigInt keeps total × weight exact beyond 2^53 (amount × multiplier weights).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`allocate: bad total ${total}`);
  let weightSum = 0n;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`allocate: bad weight ${w}`);
    weightSum += BigInt(w);
  }
  if (weightSum === 0n) return weights.map(() => 0);

  const t = BigInt(total);
  const shares: number[] = [];
  const remainders: { index: number; remainder: bigint }[] = [];
  let given = 0;
  weights.forEach((w, index) => {
    const exact = t * BigInt(w);
    const share = Number(exact / weightSum);
    shares.push(share);
    given += share;
    remainders.push({ index, remainder: exact % weightSum });
  });

  // Fewer leftover units than positive remainders, so zero weights never get one.
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let k = 0; k < total - given; k++) {
    const slot = remainders[k]!;
    shares[slot.index]! += 1;
  }
  return shares;
}
