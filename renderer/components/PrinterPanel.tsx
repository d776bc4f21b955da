import { useEffect, useId, useState } from 'react';
import type { PrintOutcome, PrinterStatus } from '../../shared/receipt.ts';
import { useApi } from '../app/api-context.tsx';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';
import { errorText } from './screens-common/error-text.ts';

/**
 * The receipt printer in Settings: how it is configured (the fleet
 * configuration's `printer`; none = the system print dialog), any problem with
 * that setting, and a test print that says in words what went wrong.
 */
export function PrinterPanel() {
  const { client } = useApi();
  const { t, language, format } = useI18n();
  const id = useId();
  const [status, setStatus] = useState<PrinterStatus | null>(null);
  const [outcome, setOutcome] = useState<PrintOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.call('printer.status', {}).then(setStatus, (e: unknown) => setError(errorText(e, t, format)));
  }, [client, t, format]);

  const test = async () => {
    setBusy(true);
    setOutcome(null);
    setError(null);
    try {
      setOutcome(await client.call('printer.test', { language }));
    } catch (e) {
      setError(errorText(e, t, format));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="printer-panel" aria-labelledby={`${id}-printer`}>
      <h2 id={`${id}-printer`}>{t('printer.title')}</h2>
      {status?.problem && (
        <p className="error" role="alert">
          ⚠ {t('printer.problem', { problem: status.problem })}
        </p>
      )}
      {status && status.kind === null && <p>{t('printer.none')}</p>}
      {status && status.kind !== null && (
        <dl className="settings-figures">
          <div>
            <dt>{t('printer.kind')}</dt>
            <dd>{t(`printer.kind.${status.kind}` as MessageKey)}</dd>
          </div>
          <div>
            <dt>{t('printer.target')}</dt>
            <dd>
              <code>{status.target}</code>
            </dd>
          </div>
          <div>
            <dt>{t('printer.width')}</dt>
            <dd>{t('printer.columns', { columns: status.columns })}</dd>
          </div>
          <div>
            <dt>{t('printer.codepage')}</dt>
            <dd>{status.codepage}</dd>
          </div>
        </dl>
      )}
      {status && status.kind !== null && (
        <button type="button" onClick={() => void test()} disabled={busy} aria-busy={busy}>
          {busy ? t('printer.testing') : t('printer.test')}
        </button>
      )}
      <p className="printer-outcome" role="status" data-outcome={outcome ? (outcome.ok ? 'ok' : outcome.reason) : undefined}>
        {outcome?.ok && t('printer.testOk', { bytes: outcome.bytes, ms: outcome.ms })}
        {outcome &&
          !outcome.ok &&
          t('printer.testFailed', { reason: t(`printer.${outcome.reason}` as MessageKey), detail: outcome.detail })}
        {error && `⚠ ${error}`}
      </p>
    </section>
  );
}
