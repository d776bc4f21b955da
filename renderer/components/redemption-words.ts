import type { Member, Quote } from '../../shared/api.ts';
import type { RedemptionProblem } from '../app/use-preview.ts';
import type { I18n } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';

/**
 * Why points cannot be used, in the cashier's words and figures: worded here from the backend's
 * code and numbers, never its English message or a raw code such as `member_daily_cap`.
 */
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function problemText(
  problem: RedemptionProblem,
  requested: number | null,
  member: Member | null,
  i18n: Pick<I18n, 't' | 'format'>,
): string {
  const { t, format } = i18n;
  const p = (n: number) => formatPoints(n, format);
  const d = problem.details;
  const min = num(d.min);
  const step = num(d.step);
  const max = num(d.max);
  switch (problem.code) {
    case 'MEMBER_BLOCKED':
      return t('redeem.why.blocked');
    case 'INSUFFICIENT_POINTS':
      return t('redeem.why.balance', { available: p(Math.max(0, num(d.available) ?? member?.available ?? 0)) });
    case 'REDEMPTION_NOT_ALLOWED':
      if (requested !== null && min !== null && requested < min) return t('redeem.why.min', { min: p(min) });
      if (requested !== null && step !== null && step > 0 && requested % step !== 0) return t('redeem.why.step', { step: p(step) });
      if (num(d.capMinor) !== null) return t('redeem.why.basket', { amount: formatMoney(num(d.capMinor)!, format) });
      if (requested !== null && max !== null && requested > max) return t('redeem.why.max', { max: p(max) });
      return t('redeem.why.other');
    default:
      return t('redeem.why.other');
  }
}

/** Why nothing can be redeemed on this basket at all (the quote's limits said so). */
export function limitsText(limits: Quote['limits'], member: Member, i18n: Pick<I18n, 't' | 'format'>): string {
  const { t, format } = i18n;
  const p = (n: number) => formatPoints(n, format);
  switch (limits.reasonCode) {
    case 'MEMBER_BLOCKED':
      return t('redeem.why.blocked');
    case 'INSUFFICIENT_POINTS':
      return t('redeem.why.needMin', { min: p(limits.minPoints), available: p(Math.max(0, member.available)) });
    default:
      return t('redeem.why.basketSmall', { min: p(limits.minPoints) });
  }
}

/** The offline refusal a hold answered (`member_daily_cap`, `terminal_daily_cap`) in words, with what is left today. */
export function offlineRefusalText(reason: string | null, remaining: number | null, i18n: Pick<I18n, 't' | 'format'>): string {
  const { t, format } = i18n;
  const left = formatPoints(Math.max(0, remaining ?? 0), format);
  if (reason === 'terminal_daily_cap') return t('redeem.offline.terminalCap', { remaining: left });
  return t('redeem.offline.memberCap', { remaining: left });
}
