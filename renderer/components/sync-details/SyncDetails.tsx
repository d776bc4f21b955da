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

/** Records of a pull this terminal could not read, by kind: the words for one and for more. */
const UNREADABLE: [keyof SyncStatus['unreadable'], MessageKey, MessageKey][] = [
  ['members', 'sync.unreadableMembers.one', 'sync.unreadableMembers'],
  ['products', 'sync.unreadableProducts.one', 'sync.unreadableProducts'],
  ['staff', 'sync.unreadableStaff.one', 'sync.unreadableStaff'],
];

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
  const unreadable = UNREADABLE.filter(([kind]) => status.unreadable[kind] > 0).map(([kind, one, many]) =>
    status.unreadable[kind] === 1 ? t(one) : t(many, { count: formatPoints(status.unreadable[kind], format) }),
  );

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
        <div>
          <dt>{t('sync.held')}</dt>
          <dd className="sync-held" data-count={status.held}>
            {formatPoints(status.held, format)}
          </dd>
        </div>
        <div>
          <dt>{t('sync.refused')}</dt>
          <dd className="sync-refused" data-count={status.refused}>
            {formatPoints(status.refused, format)}
          </dd>
        </div>
      </dl>
      {unreadable.length > 0 && (
        <section className="sync-unreadable" aria-labelledby="sync-unreadable">
          <h2 id="sync-unreadable">{t('sync.unreadableTitle')}</h2>
          <ul>
            {unreadable.map((line) => (
              <li key={line}>⚠ {line}</li>
            ))}
          </ul>
          <p className="muted">{t('sync.unreadableHint')}</p>
        </section>
      )}
    </>
  );
}
