import type { Quote } from '../../shared/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';

/** Which rule gave which points: the cashier can answer "why only 12 points?" on the spot. */
export function EarnPreview({ quote, memberId }: { quote: Quote | null; memberId: string | null }) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
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
          {explanation.map((e, i) => {
            // The engine's English label and detail are for logs: worded here from its rule and figures.
            const { label, detail } = words.explanation(e);
            return (
              <li key={`${e.rule}-${i}`}>
                <span>{label}</span>
                {detail && <span className="muted"> — {detail}</span>}
                <span className="earn-points">{e.points >= 0 ? `+${p(e.points)}` : p(e.points)}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
