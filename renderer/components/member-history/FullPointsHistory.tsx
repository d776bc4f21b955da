import { useCallback, useEffect, useState } from 'react';
import type { FullHistoryEntry, LookupUnavailable } from '../../../shared/api.ts';
import { useApi } from '../../app/api-context.tsx';
import { formatDateTime, formatPoints } from '../../i18n/format.ts';
import { useI18n, type MessageKey } from '../../i18n/i18n.tsx';
import { ledgerReasonText } from '../../i18n/program-labels.ts';
import { errorText } from '../screens-common/error-text.ts';

/** Entries per page of the server's history. */
const PAGE = 30;

const KIND_LABELS: Record<FullHistoryEntry['kind'], MessageKey> = {
  earn: 'ledger.earn',
  redeem: 'ledger.redeem',
  bonus: 'ledger.bonus',
  reverse: 'ledger.reverse',
  adjust: 'ledger.adjust',
  expire: 'ledger.expire',
  sync: 'ledger.sync',
};

const TILL_NOTES: Record<LookupUnavailable, MessageKey> = {
  offline: 'history.till.offline',
  not_paired: 'history.till.not_paired',
  not_on_server: 'history.till.not_on_server',
  rate_limited: 'history.till.rate_limited',
  too_short: 'history.till.too_short',
};

interface Shown {
  source: 'server' | 'till';
  unavailable: LookupUnavailable | null;
  entries: FullHistoryEntry[];
  nextBefore: string | null;
}

/**
 * The member's points history: the whole of it from the loyalty server when the till is online
 * (every store's entries, a page at a time), else what this till recorded, and it says which.
 * `revision` reloads it (after a refund or an adjustment here).
 */
export function FullPointsHistory({ memberId, revision }: { memberId: string; revision: number }) {
  const { client } = useApi();
  const i18n = useI18n();
  const { t, format } = i18n;
  const [shown, setShown] = useState<Shown | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before: string | null) => {
      setLoading(true);
      try {
        const page = await client.call('member.fullHistory', { memberId, limit: PAGE, ...(before === null ? {} : { before }) });
        setShown((previous) =>
          before !== null && previous !== null ? { ...page, entries: [...previous.entries, ...page.entries] } : page,
        );
        setError(null);
      } catch (e) {
        setError(errorText(e, t));
      } finally {
        setLoading(false);
      }
    },
    [client, memberId, t],
  );

  useEffect(() => {
    void load(null);
  }, [load, revision]);

  const signed = (points: number) =>
    points > 0 ? `+${formatPoints(points, format)}` : points < 0 ? `−${formatPoints(-points, format)}` : formatPoints(0, format);
  const server = shown?.source === 'server';

  return (
    <section className="full-history" aria-labelledby="member-points" aria-busy={loading} data-source={shown?.source}>
      <h2 id="member-points">{t('history.points')}</h2>
      {shown !== null && (
        <p className={`history-source history-source-${shown.source}`}>{server ? `✓ ${t('history.fullTitle')}` : t('history.tillTitle')}</p>
      )}
      {shown === null && loading && <p className="muted">{t('common.loading')}</p>}
      {error && (
        <p className="error" role="alert">
          ⚠ {error}
        </p>
      )}
      {shown !== null && !server && shown.unavailable !== null && (
        <p className="notice history-till-note" role="status">
          {t(TILL_NOTES[shown.unavailable])}
        </p>
      )}
      {shown !== null && shown.entries.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {shown !== null && shown.entries.length > 0 && (
        <table className="history-ledger">
          <thead>
            <tr>
              <th scope="col">{t('history.when')}</th>
              <th scope="col">{t('history.kind')}</th>
              <th scope="col" className="num">
                {t('history.points')}
              </th>
              <th scope="col">{server ? t('history.store') : t('history.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.entries.map((e) => (
              <tr key={e.id} data-kind={e.kind} data-category={e.category ?? undefined}>
                <td>{formatDateTime(e.createdAt, format)}</td>
                <td>
                  {e.category === null ? t(KIND_LABELS[e.kind]) : t(`history.category.${e.category}`)}
                  {e.label !== null && server && <span className="muted history-label"> · {ledgerReasonText(e.label, i18n)}</span>}
                </td>
                <td className="num">{signed(e.points)}</td>
                <td>
                  {server
                    ? e.pending
                      ? t('history.waitingToSync')
                      : (e.storeName ?? '—')
                    : e.label === null
                      ? ''
                      : ledgerReasonText(e.label, i18n)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown?.nextBefore && (
        <button type="button" className="history-more" onClick={() => void load(shown.nextBefore)} disabled={loading} aria-busy={loading}>
          {t('history.older')}
        </button>
      )}
    </section>
  );
}
