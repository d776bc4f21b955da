import { useEffect, useState } from 'react';
import { useApi } from '../app/api-context.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints } from '../i18n/format.ts';
import { errorText } from './screens-common/error-text.ts';

type Stats = Record<string, unknown>;

/** Database and queue figures, and the diagnostics bundle (personal data redacted) to send to support. */
export function DiagnosticsPanel() {
  const { client } = useApi();
  const { t, format } = useI18n();
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.call('terminal.stats', {}).then(setStats, (e: unknown) => setError(errorText(e, t, format)));
  }, [client, t, format]);

  const exportBundle = async () => {
    setBusy(true);
    setError(null);
    try {
      const { fileName, zipBase64 } = await client.call('diagnostics.export', {});
      const bytes = Uint8Array.from(atob(zipBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(errorText(e, t, format));
    } finally {
      setBusy(false);
    }
  };

  const rows = (stats?.rows ?? {}) as Record<string, number>;
  const queue = (stats?.queue ?? {}) as { pending?: number };
  const n = (v: number | undefined) => (v === undefined ? '–' : formatPoints(v, format));
  return (
    <div className="diagnostics">
      {stats && (
        <dl className="diagnostics-figures">
          <dt>{t('diag.dbSize')}</dt>
          <dd data-db-bytes={String(stats.bytes)}>
            {typeof stats.bytes === 'number' ? `${(stats.bytes / 1_048_576).toFixed(1)} MB` : '–'}
          </dd>
          <dt>{t('diag.members')}</dt>
          <dd>{n(rows.members)}</dd>
          <dt>{t('diag.sales')}</dt>
          <dd>{n(rows.sales)}</dd>
          <dt>{t('diag.ledger')}</dt>
          <dd>{n(rows.ledger)}</dd>
          <dt>{t('diag.queue')}</dt>
          <dd data-queue={queue.pending}>{n(queue.pending)}</dd>
        </dl>
      )}
      <button type="button" onClick={() => void exportBundle()} disabled={busy} aria-busy={busy}>
        {t('diag.export')}
      </button>
      <p className="error" role={error ? 'alert' : undefined}>
        {error ?? '\u00a0'}
      </p>
    </div>
  );
}
