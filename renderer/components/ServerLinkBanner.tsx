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
  const { t, format } = useI18n();
  const { snapshot } = useSyncStatus();
  const status = snapshot?.status;
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
