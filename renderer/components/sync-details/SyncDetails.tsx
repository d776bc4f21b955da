import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../../shared/api.ts';
import { formatDateTime, formatPoints } from '../../i18n/format.ts';
import { useI18n, type MessageKey } from '../../i18n/i18n.tsx';
import { formatAge } from './sync-age.ts';
import type { SyncSnapshot } from '../../app/use-sync-status.ts';

const STATE_LABELS: Record<SyncStatus['state'], MessageKey> = {
  online: 'sync.online',
  offline: 'sync.offline',
  syncing: 'sync.syncing',
  error: 'sync.error',
};

/** Never colour alone: each state has its own symbol too. */
const STATE_ICONS: Record<SyncStatus['state'], string> = { online: '✓', offline: '⚠', syncing: '↻', error: '✗' };

/** The sync status as a definition list, ages ticking while it is shown (ages are words: the UI's language; dates: the store's locale). */
export function SyncDetails({ snapshot }: { snapshot: SyncSnapshot }) {
  const { t, format, language } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const { status, at } = snapshot;
  const oldestSince = status.oldestUnsentAgeMs === null ? null : at - status.oldestUnsentAgeMs;
  const state = status.paired ? status.state : null;

  return (
    <>
      {status.alert && (
        <p className="error sync-alert" role="alert">
          ⚠ {t('sync.alert')}
        </p>
      )}
      <dl className="sync-figures">
        <div>
          <dt>{t('sync.state')}</dt>
          <dd className="sync-state" data-state={state ?? 'unpaired'}>
            {state ? `${STATE_ICONS[state]} ${t(STATE_LABELS[state])}` : `⚠ ${t('sync.unpaired')}`}
          </dd>
        </div>
        {status.reason && (
          <div>
            <dt>{t('sync.reason')}</dt>
            <dd>{status.reason}</dd>
          </div>
        )}
        <div>
          <dt>{t('sync.queueLength')}</dt>
          <dd>{formatPoints(status.queueLength, format)}</dd>
        </div>
        <div>
          <dt>{t('sync.oldest')}</dt>
          <dd>{oldestSince === null ? '—' : `${formatDateTime(oldestSince, format)} (${formatAge(now - oldestSince, language)})`}</dd>
        </div>
        <div>
          <dt>{t('sync.lastSuccess')}</dt>
          <dd>
            {status.lastSuccessAt === null
              ? t('sync.never')
              : `${formatDateTime(status.lastSuccessAt, format)} (${formatAge(now - status.lastSuccessAt, language)})`}
          </dd>
        </div>
        <div>
          <dt>{t('sync.flagged')}</dt>
          <dd>{formatPoints(status.flagged, format)}</dd>
        </div>
      </dl>
    </>
  );
}
