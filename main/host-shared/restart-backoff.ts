/**
 * How soon a host starts its backend again after it died: at once-ish, then
 * doubling, so a backend that crashes at start-up does not spin the CPU.
 * Reset once a process has said it is ready.
 */
export const RESTART_MIN_MS = 250;
export const RESTART_MAX_MS = 10_000;

export function nextRestartDelay(previousMs: number): number {
  return Math.min(previousMs * 2, RESTART_MAX_MS);
}
