import { useState, type FormEvent } from 'react';
import type { Member, Quote } from '../../shared/api.ts';
import type { Redemption } from '../app/checkout-state.ts';
import type { TerminalInfo } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';

/**
 * Using points: quick amounts, an exact amount, or a reward. The backend's
 * limits say what is allowed and, when nothing is, why, in plain words.
 */
export function RedemptionPanel(props: {
  member: Member;
  quote: Quote | null;
  redemption: Redemption;
  rewards: TerminalInfo['rewards'];
  onChange(r: Redemption): void;
}) {
  const { member, quote, redemption, rewards, onChange } = props;
  const { t, format } = useI18n();
  const [exact, setExact] = useState('');
  const p = (n: number) => formatPoints(n, format);
  const limits = quote?.limits;
  const applied = quote?.redemption;

  const submitExact = (e: FormEvent) => {
    e.preventDefault();
    const points = Number(exact);
    if (Number.isInteger(points) && points > 0) onChange({ kind: 'points', points });
  };

  return (
    <section className="redemption" aria-label={t('redeem.title')}>
      <h3>{t('redeem.title')}</h3>
      {limits && !limits.allowed && !applied ? (
        <p className="notice notice-bad" role="status">
          {t('redeem.notAllowed', { reason: limits.reason ?? '' })}
        </p>
      ) : (
        limits && (
          <>
            <div className="quick-redeem" role="group" aria-label={t('redeem.title')}>
              {limits.quick.map((points) => (
                <button
                  key={points}
                  type="button"
                  aria-pressed={redemption?.kind === 'points' && redemption.points === points}
                  onClick={() => onChange({ kind: 'points', points })}
                >
                  {p(points)}
                </button>
              ))}
            </div>
            <form onSubmit={submitExact} className="exact-redeem">
              <label>
                {t('redeem.exact')}
                <input inputMode="numeric" value={exact} onChange={(e) => setExact(e.target.value.replace(/\D/g, ''))} />
              </label>
              <button type="submit">{t('redeem.apply')}</button>
              <span className="muted">
                {limits.allowed
                  ? t('redeem.range', { min: p(limits.minPoints), max: p(limits.maxPoints), step: p(limits.stepPoints) })
                  : ''}
              </span>
            </form>
          </>
        )
      )}
      {rewards.length > 0 && (
        <div className="rewards" role="group" aria-label={t('redeem.rewards')}>
          {rewards.map((r) => (
            <button
              key={r.id}
              type="button"
              disabled={member.available < r.points}
              aria-pressed={redemption?.kind === 'reward' && redemption.rewardId === r.id}
              onClick={() => onChange({ kind: 'reward', rewardId: r.id })}
            >
              {t('redeem.reward', { label: r.label, points: p(r.points) })}
            </button>
          ))}
        </div>
      )}
      {applied && (
        <p className="notice notice-good" data-redeemed={applied.points}>
          {t('redeem.using', { points: p(applied.points), amount: formatMoney(applied.discountMinor, format) })}{' '}
          <button type="button" onClick={() => onChange(null)}>
            {t('redeem.clear')}
          </button>
        </p>
      )}
    </section>
  );
}
