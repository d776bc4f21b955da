import { useState } from 'react';
import type { Output } from '../../../shared/api.ts';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { errorText, isApiError } from '../screens-common/error-text.ts';

type Issued = Output<'member.issueToken'>;

/** A member QR card from the central server, shown to print or to hold up to a phone. */
export function QrCard({ memberId, name }: { memberId: string; name: string }) {
  const { client } = useApi();
  const { t, format } = useI18n();
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      setIssued(await client.call('member.issueToken', { memberId }));
    } catch (e) {
      // The card comes from the central server: out of reach (or no answer at all) says so with what to do instead.
      setError(e instanceof ApiError && !isApiError(e, 'SERVER_UNREACHABLE') ? errorText(e, t, format) : t('enrol.qrOffline'));
    } finally {
      setBusy(false);
    }
  };

  if (!issued) {
    return (
      <div className="qr-card-issue">
        <button type="button" onClick={() => void issue()} disabled={busy} aria-busy={busy}>
          {t('enrol.showQr')}
        </button>
        <p className="error" role={error ? 'alert' : undefined}>
          {error ?? '\u00a0'}
        </p>
      </div>
    );
  }
  return (
    <figure className="qr-card receipt" aria-label={t('enrol.qrTitle')}>
      <img
        className="qr-card-code"
        src={`data:image/svg+xml;utf8,${encodeURIComponent(issued.svg)}`}
        alt={t('enrol.qrTitle')}
        data-token={issued.token}
        width={320}
        height={320}
      />
      <figcaption>{name}</figcaption>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('receipt.print')}
      </button>
    </figure>
  );
}
