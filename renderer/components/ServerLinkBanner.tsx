import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import { useSyncStatus } from '../app/use-sync-status.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import './server-link-banner.css';

/**
 * Says on every screen, in words and at full strength, that this terminal cannot reach its central
 * server (or is not paired, or is refused): sales go on offline, and the cashier knows why points
 * show as waiting. Nothing is shown while the link works.
 */
export function ServerLinkBanner() {
  return <LinkBanner status={useSyncStatus().snapshot?.status ?? null} />;
}

/** The same banner before anyone has signed in: the link's state from `sync.link`, kept live by the backend's status events. */
export function SignedOutLinkBanner() {
  const { client, connection } = useApi();
  const [status, setStatus] = useState<LinkState | null>(null);
  useEffect(() => {
    let current = true;
    const off = connection.onEvent((event) => {
      if (event.name === 'sync.status') setStatus(event.status);
    });
    client.call('sync.link', {}).then(
      (link) => current && setStatus((s) => s ?? link),
      () => undefined, // no answer: no banner rather than a wrong one
    );
    return () => {
      current = false;
      off();
    };
  }, [client, connection]);
  return <LinkBanner status={status} />;
}

type LinkState = Pick<SyncStatus, 'paired' | 'state' | 'lastSuccessAt' | 'queueLength'>;

function LinkBanner({ status }: { status: LinkState | null }) {
  const { t, format } = useI18n();
  if (!status) return null;
  let text: string | null = null;
  if (!status.paired) text = t('link.unpaired');
  else if (status.state === 'offline')
    text =
      status.lastSuccessAt === null
        ? t('link.offlineNever')
        : t(status.queueLength > 0 ? 'link.offline' : 'link.offlineEmpty', {
            since: formatDateTime(status.lastSuccessAt, format),
            count: status.queueLength,
          });
  else if (status.state === 'error') text = t('link.refused');
  if (text === null) return null;
  return (
    <p className="server-link-banner" role="status" data-link-state={status.paired ? status.state : 'unpaired'}>
      <span aria-hidden="true">⚠ </span>
      {text}
    </p>
  );
}
