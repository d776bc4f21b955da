import type { Quote } from '../../shared/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints } from '../i18n/format.ts';

/** Which rule gave which points: the cashier can answer "why only 12 points?" on the spot. */
export function EarnPreview({ quote, memberId }: { quote: Quote | null; memberId: string | null }) {
  const { t, format } = useI18n();
  const p = (n: number) => formatPoints(n, format);
  // A referral bonus can go to another member (the referrer): only this member's bonuses count here.
  const bonuses = quote?.bonuses.filter((b) => b.memberId === memberId) ?? [];
  const explanation = quote ? [...quote.earnExplanation, ...bonuses.map((b) => b.explanation)] : [];
  const total = (quote?.earnPoints ?? 0) + bonuses.reduce((s, b) => s + b.points, 0);
  return (
    <section className="earn-preview" aria-label={t('earn.title')}>
      <h3>
        {t('earn.title')}: <span className="earn-total">{quote && memberId !== null ? `+${p(total)}` : '–'}</span>
      </h3>
      {memberId === null ? (
        <p className="muted">{t('earn.noMember')}</p>
      ) : explanation.length === 0 ? (
        <p className="muted">{quote ? t('earn.none') : '\u00a0'}</p>
      ) : (
        <ul className="earn-explanation">
          {explanation.map((e, i) => (
            <li key={`${e.rule}-${i}`}>
              <span>{e.label}</span>
              {e.detail && <span className="muted"> — {e.detail}</span>}
              <span className="earn-points">{e.points >= 0 ? `+${p(e.points)}` : p(e.points)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
