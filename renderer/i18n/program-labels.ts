import type { Explanation, ProgramLabels } from '../../shared/api.ts';
import { formatMoney, formatPoints, type StoreFormat } from './format.ts';
import type { Language, MessageKey, Translate } from './translate.ts';

/**
 * The programme's words (categories, tiers, rewards, promotions, earn rules) and the engine's
 * explanations in the screen's language: the programme's translation for it, else its default
 * label, never a raw id. The labels come from `terminal.info` (docs/programme.md, Labels).
 */
type Labelled = { label: string; labels?: Record<string, string> | undefined };

export function pickLabel(entry: Labelled | undefined, language: string): string | undefined {
  if (!entry) return undefined;
  return entry.labels?.[language] ?? entry.labels?.[language.split('-')[0]!] ?? entry.label;
}

/** An id nobody named, made readable rather than shown raw: "gift-card" → "Gift card". */
export function readableId(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export interface ProgramText {
  category(id: string): string;
  /** A tier by id; `fallback` is the backend's default label for a tier the labels do not know. */
  tier(id: string, fallback?: string): string;
  reward(id: string, fallback?: string): string;
  /** One explanation line (earn, bonus, redemption) worded in the screen's language. */
  explanation(e: Explanation): { label: string; detail: string | null };
}

export interface Words {
  t: Translate;
  language: Language;
  format: StoreFormat;
}

export function programText(labels: ProgramLabels, i18n: Words): ProgramText {
  const { t, language, format } = i18n;
  const lang = language as string;
  const money = (minor: unknown) => (typeof minor === 'number' ? formatMoney(minor, format) : '');
  const points = (n: unknown) => (typeof n === 'number' ? formatPoints(n, format) : '');
  const category = (id: string) => pickLabel(labels.categories[id], lang) ?? readableId(id);
  const tier = (id: string, fallback?: string) => pickLabel(labels.tiers[id], lang) ?? fallback ?? readableId(id);
  const reward = (id: string, fallback?: string) => pickLabel(labels.rewards[id], lang) ?? fallback ?? readableId(id);

  const explanation = (e: Explanation): { label: string; detail: string | null } => {
    const p = e.params ?? {};
    const has = (name: string) => typeof p[name] === 'number';
    const [kind, ...rest] = e.rule.split(':');
    const id = rest.join(':');
    // A sale stored before explanations carried their figures has only English words: its label
    // is still translated where the rule says what it is, its detail left out in other languages.
    const oldDetail = lang === 'en' ? (e.detail ?? null) : null;
    const multiplierDetail = () => {
      if (!has('multiplier')) return oldDetail;
      const parts: string[] = [];
      const bonus = Number(p.bonusPoints ?? 0);
      if (p.multiplier !== 100 || bonus === 0) {
        const times = new Intl.NumberFormat(format.locale, { maximumFractionDigits: 2 }).format(Number(p.multiplier) / 100);
        parts.push(t('explain.times', { multiplier: times, amount: money(p.amountMinor) }));
      }
      if (bonus > 0) parts.push(t('explain.bonusPoints', { points: points(bonus) }));
      return parts.join(', ');
    };
    switch (kind) {
      case 'base':
        return has('perMinor')
          ? {
              label: t('explain.base', { points: points(p.points), amount: money(p.perMinor) }),
              detail: t('explain.on', { amount: money(p.eligibleMinor) }),
            }
          : { label: lang === 'en' ? e.label : t('explain.baseOld'), detail: oldDetail };
      case 'min-spend':
        if (!has('eligibleMinor')) return { label: lang === 'en' ? e.label : t('explain.nothingEligible'), detail: oldDetail };
        return {
          label: p.eligibleMinor === 0 ? t('explain.nothingEligible') : t('explain.belowMinimum', { amount: money(p.minSpendMinor) }),
          detail: t('explain.eligible', { amount: money(p.eligibleMinor) }),
        };
      case 'floor':
        return { label: t('explain.floor'), detail: null };
      case 'no-member':
        return { label: t('explain.noMember'), detail: null };
      case 'member-blocked':
        return { label: t('explain.memberBlocked'), detail: null };
      case 'rule': {
        const label = pickLabel(labels.rules[e.rule], lang) ?? e.label;
        if (has('lineCount'))
          return {
            label,
            detail: t(p.lineCount === 1 ? 'explain.excludedLine' : 'explain.excludedLines', {
              amount: money(p.amountMinor),
              lines: String(p.lines ?? ''),
            }),
          };
        return { label, detail: multiplierDetail() };
      }
      case 'promo':
        return { label: pickLabel(labels.promotions[id], lang) ?? e.label, detail: multiplierDetail() };
      case 'tier':
        return { label: t('explain.tier', { tier: tier(id) }), detail: multiplierDetail() };
      case 'bonus':
        switch (id) {
          case 'enrolment':
            return { label: t('explain.bonus.enrolment'), detail: null };
          case 'birthday':
            return {
              label: t('explain.bonus.birthday'),
              detail: has('year') ? t('explain.bonus.birthdayDetail', { year: String(p.year) }) : oldDetail,
            };
          case 'nth_purchase': {
            const n = has('n') ? Number(p.n) : Number(/\d+/.exec(e.label)?.[0] ?? 0);
            return {
              label: t('explain.bonus.nthPurchase', { n }),
              detail: has('count')
                ? t('explain.bonus.nthPurchaseDetail', { count: points(p.count), days: points(p.withinDays) })
                : oldDetail,
            };
          }
          case 'referral_referee':
            return { label: t('explain.bonus.referee'), detail: null };
          case 'referral_referrer':
            // Its English detail names the referred member's id: not for the screen.
            return { label: t('explain.bonus.referrer'), detail: null };
          default:
            return { label: e.label, detail: oldDetail };
        }
      case 'redeem':
        return {
          label: t('explain.redeemPoints'),
          detail: has('discountMinor') ? t('explain.discount', { amount: money(p.discountMinor) }) : oldDetail,
        };
      case 'reward':
        return {
          label: reward(id, e.label),
          detail:
            p.voucher === 1
              ? has('valueMinor')
                ? t('explain.voucherWorth', { amount: money(p.valueMinor) })
                : t('explain.voucherIssued')
              : has('discountMinor')
                ? t('explain.rewardFree', { amount: money(p.discountMinor) })
                : oldDetail,
        };
      default:
        return { label: e.label, detail: oldDetail };
    }
  };
  return { category, tier, reward, explanation };
}

/** The figures a ledger entry's reason was made from are not stored: known engine and backend reasons are worded here. */
export function ledgerReasonText(reason: string, i18n: { t: Translate }): string {
  const { t } = i18n;
  const known: Record<string, MessageKey> = {
    'points earned on sale': 'ledgerReason.earned',
    'Points redeemed': 'explain.redeemPoints',
    'Welcome bonus': 'explain.bonus.enrolment',
    'Birthday bonus': 'explain.bonus.birthday',
    'Referral welcome bonus': 'explain.bonus.referee',
    'Referral bonus for the referrer': 'explain.bonus.referrer',
  };
  if (reason in known) return t(known[reason]!);
  const nth = /^Purchase (\d+) bonus$/.exec(reason);
  if (nth) return t('explain.bonus.nthPurchase', { n: nth[1]! });
  const reversal = /^(refund|sale voided): points (earned taken back|spent given back|taken back|given back)(.*)$/.exec(reason);
  if (reversal) {
    const back = reversal[2]!.includes('given') ? 'Given' : 'Taken';
    const key = reversal[1] === 'refund' ? (`ledgerReason.refund${back}` as const) : (`ledgerReason.void${back}` as const);
    return t(key);
  }
  return reason;
}
