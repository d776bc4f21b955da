import { useEffect, useState } from 'react';
import type { Output } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime } from '../i18n/format.ts';

type Status = Output<'scanner.status'>;
type Port = Output<'scanner.ports'>['ports'][number];

/**
 * The serial scanner for IT: the ports on this machine, the scanner's state
 * with the reason when it cannot read, and the raw bytes it last sent (hex and
 * readable, control bytes named) — the quickest way to see a wrong suffix or
 * baud rate. Polled while shown.
 */
export function SerialScannerPanel() {
  const { client } = useApi();
  const { t, format } = useI18n();
  const [status, setStatus] = useState<Status | null>(null);
  const [ports, setPorts] = useState<Port[] | null>(null);

  useEffect(() => {
    let live = true;
    const poll = () =>
      client.call('scanner.status', {}).then(
        (s) => live && setStatus(s),
        () => {},
      );
    poll();
    const timer = setInterval(poll, 1000);
    client.call('scanner.ports', {}).then(
      (p) => live && setPorts(p.ports),
      () => live && setPorts([]),
    );
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);

  return (
    <div className="serial-scanner">
      <h3>{t('serial.title')}</h3>
      <p data-serial-state={status?.state?.status ?? 'none'}>
        {!status?.configured
          ? t('serial.notConfigured')
          : status.state?.status === 'connected'
            ? `● ${t('serial.connected', { path: status.state.path })}`
            : status.state?.status === 'error'
              ? `⚠ ${status.state.reason ?? ''}`
              : `○ ${t('serial.waiting', { path: status.state?.path ?? '' })}`}
      </p>
      {status?.lastBytes && (
        <dl className="serial-bytes">
          <dt>{t('serial.lastBytes', { at: formatDateTime(status.lastBytes.at, format) })}</dt>
          <dd>
            <code className="serial-printable">{status.lastBytes.printable}</code>
          </dd>
          <dd>
            <code className="serial-hex">{status.lastBytes.hex}</code>
          </dd>
        </dl>
      )}
      {status?.lastDiagnostic && (
        <p className="muted">
          {t('serial.diagnostic', { code: status.lastDiagnostic.code, at: formatDateTime(status.lastDiagnostic.at, format) })}
        </p>
      )}
      <h4>{t('serial.ports')}</h4>
      {ports === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : ports.length === 0 ? (
        <p className="muted">{t('serial.noPorts')}</p>
      ) : (
        <ul className="serial-ports">
          {ports.map((p) => (
            <li key={p.path}>
              <code>{p.stablePath ?? p.path}</code>{' '}
              {[p.manufacturer, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : null].filter(Boolean).join(' · ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
