import { useEffect, useMemo, useState } from 'react';
import type { CustomerDisplayState } from '../../shared/customer-display.ts';
import { createClient } from '../api/client.ts';
import type { HostConnection } from '../api/ws-transport.ts';
import { savedLanguage, translate, type Language, type MessageKey } from '../i18n/i18n.tsx';
import { formatMoney, formatPoints } from '../i18n/format.ts';
import { programText } from '../i18n/program-labels.ts';

/**
 * What the customer sees while the cashier rings the sale up: their items and
 * the amounts, the points they earn and spend, their balance after the sale
 * and their tier, or an invitation to scan their QR code. Of the member only
 * the first name (the backend sends nothing more).
 */
export function CustomerDisplay({ connection }: { connection: HostConnection }) {
  const client = useMemo(() => createClient(connection), [connection]);
  const [state, setState] = useState<CustomerDisplayState | null>(null);
  const [language, setLanguage] = useState<Language>(savedLanguage);

  useEffect(() => {
    // The newest state wins: one answered late (display.current) never replaces a newer event.
    const accept = (next: CustomerDisplayState, restart = false) =>
      setState((current) => (restart || current === null || next.seq >= current.seq ? next : current));
    const load = (restart = false) =>
      client.call('display.current', {}).then(
        (s) => accept(s, restart),
        () => {},
      );
    const offEvent = connection.onEvent((event) => {
      if (event.name === 'customerDisplay') accept(event.state);
      // A restarted backend counts from 0 again.
      else if (event.name === 'backend.restarted') void load(true);
    });
    const offState = connection.onState((s) => {
      if (s === 'open') void load();
    });
    if (connection.state === 'open') void load();
    return () => {
      offEvent();
      offState();
    };
  }, [client, connection]);

  useEffect(() => {
    // The cashier's language choice (same origin, same storage) applies here too.
    const onStorage = () => setLanguage(savedLanguage());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'display.title');
  }, [language]);

  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(language, key, vars);
  if (state === null)
    return (
      <main className="customer-display" data-phase="connecting">
        <p className="cd-prompt">{t('display.connecting')}</p>
      </main>
    );
  const money = (m: number) => formatMoney(m, state.format);
  const pts = (p: number) => formatPoints(p, state.format);
  const member = state.member;
  // No session here: the tier and category words come with the state, in the language chosen at the till.
  const words = programText(
    { categories: {}, tiers: {}, rewards: {}, promotions: {}, rules: {}, ...state.labels },
    { t, language, format: state.format },
  );
  const tierName = member === null ? null : member.tier === undefined ? member.tierLabel : words.tier(member.tier, member.tierLabel);
  const tierAfterName = state.tierAfter != null ? words.tier(state.tierAfter, state.tierAfterLabel ?? undefined) : state.tierAfterLabel;

  return (
    <main className="customer-display" data-phase={state.phase} data-seq={state.seq}>
      <section className="cd-basket" aria-label={t('display.basket')}>
        {state.phase === 'idle' ? (
          <div className="cd-welcome">
            <h1>{t('display.welcome')}</h1>
          </div>
        ) : (
          <>
            <h2>{state.phase === 'paid' ? t('display.thanks') : t('display.basket')}</h2>
            {state.lines.length === 0 ? (
              <p className="cd-empty">{t('display.empty')}</p>
            ) : (
              <ul className="cd-lines">
                {state.lines.map((l, i) => (
                  <li key={i} className="cd-line">
                    <span className="cd-description">
                      {l.quantity > 1 && <span className="cd-qty">{l.quantity} × </span>}
                      {l.category === undefined ? l.description : words.category(l.category)}
                    </span>
                    <span className="cd-amount">{money(l.amountMinor)}</span>
                  </li>
                ))}
              </ul>
            )}
            <dl className="cd-totals">
              <dt>{t('display.total')}</dt>
              <dd className="cd-total">{money(state.totalMinor)}</dd>
              {state.discountMinor > 0 && (
                <>
                  <dt>{t('display.discount')}</dt>
                  <dd className="cd-discount">−{money(state.discountMinor)}</dd>
                </>
              )}
              <dt className="cd-pay-label">{t('display.toPay')}</dt>
              <dd className="cd-pay" data-minor={state.payableMinor}>
                {money(state.payableMinor)}
              </dd>
            </dl>
          </>
        )}
      </section>
      <aside className="cd-loyalty">
        {member === null ? (
          <div className="cd-scan">
            <div className="cd-qr-icon" aria-hidden="true">
              ▣
            </div>
            <p className="cd-prompt">{t('display.scanPrompt')}</p>
          </div>
        ) : (
          <>
            <p className="cd-hello">{member.firstName ? t('display.hello', { name: member.firstName }) : t('display.helloAnonymous')}</p>
            <p className="cd-tier" data-tier={member.tierLabel}>
              {t('display.tier', { tier: tierName ?? '' })}
            </p>
            {state.phase === 'paid' ? (
              <p className="cd-earn" data-points={state.earnPoints}>
                {t('display.earned', { points: pts(state.earnPoints) })}
              </p>
            ) : (
              <dl className="cd-points">
                <dt>{t('display.earn')}</dt>
                <dd className="cd-earn" data-points={state.earnPoints}>
                  +{pts(state.earnPoints)}
                </dd>
                {state.redeemPoints > 0 && (
                  <>
                    <dt>{t('display.redeem')}</dt>
                    <dd className="cd-redeem">−{pts(state.redeemPoints)}</dd>
                  </>
                )}
              </dl>
            )}
            <p className="cd-balance-label">{t('display.balanceAfter')}</p>
            <p className="cd-balance" data-points={state.balanceAfter ?? member.points}>
              {t('display.points', { points: pts(state.balanceAfter ?? member.points) })}
            </p>
            {tierAfterName && tierAfterName !== tierName && (
              <p className="cd-tier-after">{t('display.tierAfter', { tier: tierAfterName })}</p>
            )}
          </>
        )}
      </aside>
    </main>
  );
}
