import { useCallback, useEffect, useRef, useState } from 'react';
import type { Member, Output } from '../../shared/api.ts';
import { useApi } from '../app/api-context.tsx';
import { useNavigation } from '../app/navigation.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { AdjustDialog } from '../components/member-history/AdjustDialog.tsx';
import { FullPointsHistory } from '../components/member-history/FullPointsHistory.tsx';
import { SalesHistory } from '../components/member-history/HistoryList.tsx';
import { mergeHistory, nextPageBefore, type History } from '../components/member-history/history-pages.ts';
import { RefundDialog } from '../components/member-history/RefundDialog.tsx';
import type { HistorySale } from '../components/member-history/refund-selection.ts';
import { errorText } from '../components/screens-common/error-text.ts';
import { useSlowFlag } from '../components/screens-common/use-slow-flag.ts';
import { formatMoney, formatPoints } from '../i18n/format.ts';
import { MemberPanel } from '../components/MemberPanel.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** Sales per page of history. */
const PAGE = 20;

type Dialog = { kind: 'refund'; sale: HistorySale } | { kind: 'adjust' } | null;

/**
 * A member's history of sales and points with explanations. Managers may
 * refund lines of a past sale and adjust points with a reason; cashiers see
 * the history only (the backend refuses them anyway).
 */
export function MemberScreen({ memberId }: { memberId: string }) {
  const { client } = useApi();
  const { t, format } = useI18n();
  const { staff, checkout, dispatch } = useSession();
  const { go } = useNavigation();
  const manager = canAct(staff, 'manager');
  const [member, setMember] = useState<Member | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  /** Bumped after a refund or an adjustment here: the points history loads again. */
  const [revision, setRevision] = useState(0);
  const slow = useSlowFlag(loading);
  // Read, not followed: reloading whenever the sale changes would loop.
  const onSale = useRef(checkout.member?.id);
  onSale.current = checkout.member?.id;

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const [m, h] = await Promise.all([client.call('member.get', { memberId }), client.call('member.history', { memberId, limit: PAGE })]);
      setMember(m);
      setHistory(h);
      setHasMore(h.sales.length >= PAGE);
      setError(null);
      // The member on the current sale shows the new balance too.
      if (onSale.current === m.id) dispatch({ type: 'member', member: m });
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setLoading(false);
    }
  }, [client, memberId, t, dispatch]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const more = async () => {
    if (!history) return;
    setLoadingMore(true);
    try {
      const page = await client.call('member.history', { memberId, limit: PAGE, beforeCreatedAt: nextPageBefore(history) });
      setHistory((h) => (h ? mergeHistory(h, page) : page));
      setHasMore(page.sales.length >= PAGE);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setLoadingMore(false);
    }
  };

  const refunded = (result: Output<'sale.refund'>) => {
    setDialog(null);
    const parts = [
      t('history.refunded', { amount: formatMoney(result.refundMinor, format), points: formatPoints(result.pointsReversed, format) }),
    ];
    if (result.pointsRestored > 0) parts.push(t('history.restored', { points: formatPoints(result.pointsRestored, format) }));
    if (result.pointsExpiredNotReversed > 0)
      parts.push(t('history.expiredKept', { points: formatPoints(result.pointsExpiredNotReversed, format) }));
    setNotice(parts.join(' '));
    setRevision((r) => r + 1);
    void reload();
  };

  const adjusted = (balance: number) => {
    setDialog(null);
    setNotice(t('adjust.done', { points: formatPoints(balance, format) }));
    setRevision((r) => r + 1);
    void reload();
  };

  return (
    <main className="screen member-screen">
      <MemberHeader member={member} />
      <div className="member-actions">
        {member && (
          <button
            type="button"
            className="primary"
            autoFocus
            onClick={() => {
              dispatch({ type: 'member', member });
              go({ name: 'checkout' });
            }}
          >
            {checkout.member?.id === member.id ? t('member.backToSale') : t('enrol.useAtCheckout')}
          </button>
        )}
        {manager && member && (
          <button type="button" onClick={() => setDialog({ kind: 'adjust' })}>
            {t('adjust.title')}
          </button>
        )}
      </div>
      <div className="message-slot">
        {error && (
          <p className="error" role="alert">
            ⚠ {error}{' '}
            <button type="button" onClick={() => void reload()}>
              {t('common.retry')}
            </button>
          </p>
        )}
        {!error && notice && (
          <p className="notice notice-good" role="status">
            ✓ {notice}
          </p>
        )}
        {!error && !notice && slow && <p role="status">{t('common.loading')}</p>}
      </div>
      {history && (
        <div className="member-history">
          <section aria-labelledby="member-sales">
            <h2 id="member-sales">{t('history.sales')}</h2>
            {history.otherTillsUnavailable && (
              <p className="muted history-other-tills-unavailable" role="status">
                {t('history.otherTillsUnavailable')}
              </p>
            )}
            <SalesHistory sales={history.sales} onRefund={manager ? (sale) => setDialog({ kind: 'refund', sale }) : null} />
            {hasMore && (
              <button type="button" className="history-more" onClick={() => void more()} disabled={loadingMore} aria-busy={loadingMore}>
                {t('history.more')}
              </button>
            )}
          </section>
          <FullPointsHistory memberId={memberId} revision={revision} />
        </div>
      )}
      {dialog?.kind === 'refund' && <RefundDialog sale={dialog.sale} onDone={refunded} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'adjust' && member && <AdjustDialog member={member} onDone={adjusted} onClose={() => setDialog(null)} />}
    </main>
  );
}

function MemberHeader({ member }: { member: Member | null }) {
  const { t } = useI18n();
  if (!member) return <h1 className="member-header-placeholder">{t('member.panel')}</h1>;
  return <MemberPanel member={member} />;
}
