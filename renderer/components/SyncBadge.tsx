import type { SyncStatus } from '../../shared/api.ts';
import { useNavigation } from '../app/navigation.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { useSyncStatus } from '../app/use-sync-status.ts';
import { useI18n } from '../i18n/i18n.tsx';

const ICON: Record<SyncStatus['state'], string> = { online: '●', syncing: '⟳', offline: '○', error: '⚠' };

/** Always visible: is this terminal in touch with the central server, and how much is waiting to go. */
export function SyncBadge() {
  const { t } = useI18n();
  const { staff } = useSession();
  const { go } = useNavigation();
  const status = useSyncStatus().snapshot?.status;
  if (!status) return <span className="sync-badge" aria-hidden="true" />;
  const label = status.paired ? t(`sync.${status.state}`) : t('sync.unpaired');
  const state = status.paired ? status.state : 'offline';
  const className = `sync-badge sync-${state}${status.alert ? ' sync-alert' : ''}`;
  const content = (
    <>
      <span aria-hidden="true">{status.alert ? '⚠' : ICON[state]}</span> {label}
      {status.queueLength > 0 && <span className="sync-queue"> · {t('sync.queue', { count: status.queueLength })}</span>}
    </>
  );
  const data = { 'data-sync-state': status.paired ? status.state : 'unpaired', 'data-queue': status.queueLength };
  // A cashier cannot open the sync details: the badge is then a status, drawn in full (never a greyed-out button).
  if (!canAct(staff, 'manager'))
    return (
      <span className={`${className} sync-badge-static`} role="status" title={status.reason ?? undefined} {...data}>
        {content}
      </span>
    );
  return (
    <button type="button" className={className} {...data} onClick={() => go({ name: 'sync' })} title={status.reason ?? undefined}>
      {content}
    </button>
  );
}
