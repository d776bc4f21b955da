import { useState } from 'react';
import type { Output } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { SyncDetails } from '../components/sync-details/SyncDetails.tsx';
import { useSyncStatus } from '../app/use-sync-status.ts';
import { formatDateTime, formatMoney, formatPoints } from '../i18n/format.ts';
import { useI18n, type I18n, type MessageKey } from '../i18n/i18n.tsx';

type Flag = Output<'sync.flags'>['flags'][number];

/** Held and refused first: they wait for someone or were not applied at all; then the flagged ones. */
const SECTIONS: { status: Flag['status']; title: MessageKey; hint: MessageKey | null }[] = [
  { status: 'held', title: 'sync.heldTitle', hint: 'sync.heldHint' },
  { status: 'refused', title: 'sync.refusedTitle', hint: 'sync.refusedHint' },
  { status: 'applied_with_adjustment', title: 'sync.flagsTitle', hint: null },
];

/** What the event was, in words (never its kind's code or an id). */
function eventWords(f: Flag, t: I18n['t'], format: I18n['format']): string {
  switch (f.kind) {
    case 'sale.committed':
      return t('sync.event.sale');
    case 'sale.voided':
      return t('sync.event.void');
    case 'sale.refunded':
      return t('sync.event.refund');
    case 'member.enrolled':
      return t('sync.event.enrolment');
    case 'points.adjusted':
      return t('sync.event.adjustment', { points: f.points === null ? '—' : formatPoints(f.points, format) });
    default:
      return t('sync.event.other');
  }
}

/**
 * Sync details for the manager: the link to the central server, live from the
 * backend's `sync.status` events, with "Sync now" and the events the server
 * held for approval at head office, refused, or flagged for review (each
 * reason in words; the event's time and amount, never a code or an id).
 */
export function SyncScreen() {
  const { client } = useApi();
  const { t, format } = useI18n();
  const { staff } = useSession();
  const manager = canAct(staff, 'manager');
  const { snapshot, error: loadError, set } = useSyncStatus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [flags, setFlags] = useState<Flag[] | null>(null);

  const syncNow = async () => {
    setBusy(true);
    setError(null);
    try {
      set(await client.call('sync.now', {}));
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const showFlags = async () => {
    setError(null);
    try {
      setFlags((await client.call('sync.flags', { limit: 100 })).flags);
    } catch (e) {
      setError(errorText(e, t));
    }
  };

  const shownError = error ?? loadError;
  return (
    <main className="screen sync-screen">
      <h1>{t('sync.title')}</h1>
      {manager && (
        <div className="sync-actions">
          <button
            type="button"
            className="primary"
            onClick={() => void syncNow()}
            disabled={busy || snapshot?.status.paired === false}
            aria-busy={busy}
            autoFocus
          >
            {busy ? t('sync.syncingNow') : t('sync.now')}
          </button>
          <button type="button" onClick={() => void showFlags()}>
            {t('sync.showFlags')}
          </button>
        </div>
      )}
      <div className="message-slot">
        {shownError && (
          <p className="error" role="alert">
            ⚠ {shownError}
          </p>
        )}
        {!shownError && !snapshot && <p role="status">{t('common.loading')}</p>}
      </div>
      {snapshot && (
        <section aria-live="polite" aria-label={t('sync.title')}>
          <SyncDetails snapshot={snapshot} />
        </section>
      )}
      {snapshot && !snapshot.status.paired && <p className="muted">{t('sync.pairHint')}</p>}
      {flags && (
        <>
          {flags.every((f) => f.status === 'applied_with_adjustment') && (
            <p className="muted sync-none-held">{t('sync.noneHeldOrRefused')}</p>
          )}
          {SECTIONS.map(({ status, title, hint }) => {
            const rows = flags.filter((f) => f.status === status);
            if (status !== 'applied_with_adjustment' && rows.length === 0) return null;
            return (
              <section key={status} aria-labelledby={`sync-${status}`} className={`sync-list sync-list-${status}`}>
                <h2 id={`sync-${status}`}>{t(title)}</h2>
                {hint && rows.length > 0 && <p className="muted">{t(hint)}</p>}
                {rows.length === 0 ? (
                  <p className="muted">{t('sync.noFlags')}</p>
                ) : (
                  <table className="sync-flags">
                    <thead>
                      <tr>
                        <th scope="col">{t('history.when')}</th>
                        <th scope="col">{t('sync.flagKind')}</th>
                        <th scope="col">{t('sync.amount')}</th>
                        <th scope="col">{t('history.reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((f) => (
                        <tr key={f.seq}>
                          <td>{formatDateTime(f.createdAt, format)}</td>
                          <td>{eventWords(f, t, format)}</td>
                          <td>{f.amountMinor === null ? '—' : formatMoney(f.amountMinor, format)}</td>
                          <td>
                            {f.reasons.length === 0 ? (
                              '—'
                            ) : (
                              <ul className="sync-reasons">
                                {f.reasons.map((r) => (
                                  <li key={r}>{t(`flag.${r}`)}</li>
                                ))}
                              </ul>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            );
          })}
        </>
      )}
    </main>
  );
}
