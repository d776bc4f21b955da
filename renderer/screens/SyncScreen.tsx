import { useState } from 'react';
import type { Output } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { SyncDetails } from '../components/sync-details/SyncDetails.tsx';
import { useSyncStatus } from '../app/use-sync-status.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';

type Flag = Output<'sync.flags'>['flags'][number];

/**
 * Sync details for the manager: the link to the central server, live from the
 * backend's `sync.status` events, with "Sync now" and the events the server
 * flagged for review.
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
        <section aria-labelledby="sync-flags">
          <h2 id="sync-flags">{t('sync.flagsTitle')}</h2>
          {flags.length === 0 ? (
            <p className="muted">{t('sync.noFlags')}</p>
          ) : (
            <table className="sync-flags">
              <thead>
                <tr>
                  <th scope="col">{t('history.when')}</th>
                  <th scope="col">{t('sync.flagKind')}</th>
                  <th scope="col">{t('history.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {flags.map((f) => (
                  <tr key={f.seq}>
                    <td>{formatDateTime(f.createdAt, format)}</td>
                    <td>{f.kind}</td>
                    <td>{f.reasons.map((r) => t(`flag.${r}`)).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </main>
  );
}
