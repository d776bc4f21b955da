/**
 * A manager's adjustment as typed, checked with the API's rules
 * (`points.adjust`: a non-zero whole number; a reason of 3 to 200 characters).
 */
export type AdjustmentCheck =
  { ok: true; points: number; reason: string } | { ok: false; points: 'invalid' | 'zero' | null; reason: 'required' | null };

export function parseAdjustment(pointsText: string, reasonText: string): AdjustmentCheck {
  // People type "−50" with a real minus sign, or "+ 50".
  const cleaned = pointsText.replace(/[\s\u00a0\u202f]/g, '').replace(/^[\u2212\u2013]/, '-');
  let points: 'invalid' | 'zero' | null = null;
  const value = /^[+-]?\d{1,15}$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isSafeInteger(value)) points = 'invalid';
  else if (value === 0) points = 'zero';
  const reason = reasonText.trim();
  const reasonProblem = reason.length < 3 || reason.length > 200 ? 'required' : null;
  if (points || reasonProblem) return { ok: false, points, reason: reasonProblem };
  return { ok: true, points: value, reason };
}
