import type { Member, Quote } from '../../shared/api.ts';
import { quickAmounts } from '../../shared/loyalty/redeem.ts';
import type { Redemption } from '../app/checkout-state.ts';
import { QUICK_COMMANDS, SHORTCUTS } from '../app/checkout-shortcuts.ts';
import type { TerminalInfo } from '../app/session.tsx';
import type { RedemptionProblem } from '../app/use-preview.ts';
import { useI18n, type I18n } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';
import { limitsText, problemText } from './redemption-words.ts';

/**
 * Using points: quick amounts (F6–F9), an exact amount on the numeric pad (F3), or a reward. What
 * is offered is what the backend's limits allow now; offline, only what today's offline allowance
 * leaves, with the figure shown, and more only with a manager's PIN asked for here, before Complete.
 * A refused amount is said beside these controls, and no discount is shown for it.
 */
export function RedemptionPanel(props: {
  member: Member;
  quote: Quote | null;
  redemption: Redemption;
  problem: RedemptionProblem | null;
  /** The chosen points need a manager's PIN offline and none was given yet. */
  needsOverride: boolean;
  overrideGiven: boolean;
  /**
   * The member was found by search, not scanned, and the programme wants them present to redeem
   * (limits.presenceOverride): 'needed' until a manager's PIN is given for this sale, then 'given'.
   */
  presence?: 'needed' | 'given' | null;
  rewards: TerminalInfo['rewards'];
  onChange(r: Redemption): void;
  onExact(): void;
  onAskOverride(): void;
}) {
  const { member, quote, redemption, problem, rewards, onChange } = props;
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const p = (n: number) => formatPoints(n, format);
  const limits = quote?.limits;
  const offline = limits?.offline;
  const applied = quote?.redemption ?? null;
  const requested = redemption?.kind === 'points' ? redemption.points : null;
  const canRedeem = !!limits && limits.allowed;
  // With a manager's PIN given, the whole range the engine allows is offered again.
  const quick = (
    limits && canRedeem && offline && props.overrideGiven
      ? quickAmounts(limits.minPoints, limits.maxPoints, limits.stepPoints)
      : (limits?.quick ?? [])
  ).slice(0, QUICK_COMMANDS.length);
  const overrideOffered = canRedeem && !!offline && offline.maxWithoutOverride < limits.maxPoints && !props.overrideGiven;

  return (
    <section className="redemption" aria-label={t('redeem.title')}>
      <h3>{t('redeem.title')}</h3>
      {offline && canRedeem && (
        <p className="redeem-offline" data-offline-remaining={offline.remaining} data-offline-max={offline.maxWithoutOverride}>
          {props.overrideGiven
            ? t('redeem.offline.overrideGiven')
            : t(offline.limitedBy === 'terminal' ? 'redeem.offline.allowanceTerminal' : 'redeem.offline.allowance', {
                remaining: p(offline.remaining),
              })}
        </p>
      )}
      {limits && !limits.allowed && !applied && !problem ? (
        <p className="redeem-unavailable" role="status">
          {limitsText(limits, member, i18n)}
        </p>
      ) : (
        limits && (
          <div className="redeem-controls">
            {quick.length > 0 && (
              <div className="quick-redeem" role="group" aria-label={t('redeem.quick')}>
                {quick.map((points, i) => (
                  <button
                    key={points}
                    type="button"
                    className="quick-amount"
                    aria-pressed={redemption?.kind === 'points' && redemption.points === points}
                    aria-keyshortcuts={SHORTCUTS[QUICK_COMMANDS[i]!]}
                    onClick={() => onChange({ kind: 'points', points })}
                  >
                    {p(points)} <kbd>{SHORTCUTS[QUICK_COMMANDS[i]!]}</kbd>
                  </button>
                ))}
              </div>
            )}
            <div className="redeem-more-row">
              <button
                type="button"
                className="redeem-exact"
                aria-keyshortcuts={SHORTCUTS.redeem}
                onClick={props.onExact}
                disabled={!canRedeem}
              >
                {t('redeem.exactButton')} <kbd>{SHORTCUTS.redeem}</kbd>
              </button>
              {overrideOffered && (
                <button type="button" className="redeem-more" onClick={props.onAskOverride}>
                  {t('redeem.offline.more')}
                </button>
              )}
            </div>
          </div>
        )
      )}
      {rewards.length > 0 && (
        <div className="rewards" role="group" aria-label={t('redeem.rewards')}>
          {rewards.map((r) => {
            const overCap = !!offline && !props.overrideGiven && r.points > offline.remaining;
            return (
              <button
                key={r.id}
                type="button"
                disabled={member.available < r.points || member.status === 'blocked'}
                aria-pressed={redemption?.kind === 'reward' && redemption.rewardId === r.id}
                onClick={() => onChange({ kind: 'reward', rewardId: r.id })}
              >
                <span className="reward-label">{words.reward(r.id, r.label)}</span>
                <span className="reward-points">
                  {t('redeem.rewardPoints', { points: p(r.points) })}
                  {overCap && <span className="needs-manager">{t('redeem.offline.needsManager')}</span>}
                </span>
              </button>
            );
          })}
        </div>
      )}
      {props.presence === 'given' && applied && <p className="redeem-presence-given">{t('redeem.presence.given')}</p>}
      <div className="redeem-status" aria-live="polite">
        {problem ? (
          <p className="notice notice-bad redeem-problem" role="alert" data-problem={problem.code}>
            <span>
              {requested !== null
                ? t('redeem.refusedPoints', { points: p(requested), reason: problemText(problem, requested, member, i18n) })
                : t('redeem.refused', { reason: problemText(problem, requested, member, i18n) })}
            </span>
            <button type="button" onClick={() => onChange(null)}>
              {t('redeem.clear')}
            </button>
          </p>
        ) : props.presence === 'needed' && applied && !props.needsOverride ? (
          <p className="notice notice-bad redeem-needs-presence" role="alert">
            <span>{t('redeem.presence.needed')}</span>
            <button type="button" onClick={props.onAskOverride}>
              {t('redeem.offline.ask')}
            </button>
            <button type="button" onClick={() => onChange(null)}>
              {t('redeem.clear')}
            </button>
          </p>
        ) : props.needsOverride && applied ? (
          <p className="notice notice-bad redeem-needs-override" role="alert">
            <span>{t('redeem.offline.needsOverride', { points: p(applied.points), max: p(offline?.maxWithoutOverride ?? 0) })}</span>
            <button type="button" onClick={props.onAskOverride}>
              {t('redeem.offline.ask')}
            </button>
            <button type="button" onClick={() => onChange(null)}>
              {t('redeem.clear')}
            </button>
          </p>
        ) : applied ? (
          <p className="notice notice-good" data-redeemed={applied.points}>
            <span>{usingText(applied, words.reward, i18n)}</span>
            <button type="button" onClick={() => onChange(null)}>
              {t('redeem.clear')}
            </button>
          </p>
        ) : null}
      </div>
    </section>
  );
}

/**
 * What the applied redemption gives: money off the basket, or a voucher for later, which takes
 * nothing off today and is worth what its points would take off (the engine's figure, as the
 * receipt prints it), never "0,00 € off".
 */
function usingText(
  applied: NonNullable<Quote['redemption']>,
  reward: (id: string, fallback?: string) => string,
  i18n: Pick<I18n, 't' | 'format'>,
): string {
  const { t, format } = i18n;
  const points = formatPoints(applied.points, format);
  if (!applied.issuesVoucher) return t('redeem.using', { points, amount: formatMoney(applied.discountMinor, format) });
  const name = applied.rewardId === null ? t('redeem.voucher') : reward(applied.rewardId, applied.explanation.label);
  const value = applied.explanation.params?.valueMinor;
  return typeof value === 'number'
    ? t('redeem.usingVoucher', { points, reward: name, amount: formatMoney(value, format) })
    : t('redeem.usingReward', { points, reward: name });
}
