import { useCallback, useEffect, useRef, useState } from 'react';
import type { Member, ScanOutcome } from '../../shared/api.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { shownMember, type BasketLine } from '../app/checkout-state.ts';
import { QUICK_COMMANDS, SHORTCUTS, useCheckoutShortcuts, type CheckoutCommand } from '../app/checkout-shortcuts.ts';
import { feedback } from '../app/feedback.ts';
import { useNavigation } from '../app/navigation.tsx';
import { usePreview } from '../app/use-preview.ts';
import { useScans } from '../app/use-scans.ts';
import { canAct, useSession } from '../app/session.tsx';
import { Basket } from '../components/Basket.tsx';
import { CameraPanel } from '../components/CameraPanel.tsx';
import { CheckoutBar } from '../components/CheckoutBar.tsx';
import { ConfirmDialog } from '../components/checkout-dialogs/ConfirmDialog.tsx';
import { OverrideDialog, type Override } from '../components/checkout-dialogs/OverrideDialog.tsx';
import { PadDialog } from '../components/checkout-dialogs/PadDialog.tsx';
import { EarnPreview } from '../components/EarnPreview.tsx';
import { KeyedAmountForm } from '../components/KeyedAmountForm.tsx';
import { MemberPanel } from '../components/MemberPanel.tsx';
import { Receipt } from '../components/Receipt.tsx';
import { useCustomerDisplayFeed } from '../customer-display/use-customer-display-feed.ts';
import { RedemptionPanel } from '../components/RedemptionPanel.tsx';
import { offlineRefusalText } from '../components/redemption-words.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints, parseMoney } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { scanRejectionText } from '../components/screens-common/scan-text.ts';
import { memberName } from '../components/screens-common/member-name.ts';

type Notice = { tone: 'good' | 'bad'; text: string; action?: { label: string; run(): void } };

type Dialog =
  | { kind: 'exact' }
  | { kind: 'quantity'; line: Extract<BasketLine, { kind: 'product' }> }
  | { kind: 'keyed'; category: string }
  | { kind: 'override'; reason: string }
  | { kind: 'confirmNewSale' }
  | { kind: 'confirmVoid' };

/**
 * The home screen: who the customer is, what they buy, what they earn and spend, and Complete.
 * Laid out to fit 1024×768 without scrolling: the basket scrolls in its own area, and the totals
 * with New sale and Complete sit in a bar fixed at the foot. Every action has a function key shown
 * on its button (checkout-shortcuts.ts); Enter completes when nothing else has focus. Every figure
 * is the backend's latest answer: the member is fetched again after a sale, a void, a visit to
 * their history (refunds, adjustments) and each sync, and the basket is priced again with it.
 */
export function CheckoutScreen() {
  const { client, connection } = useApi();
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const { staff, info, checkout, dispatch } = useSession();
  useCustomerDisplayFeed(checkout); // the customer display follows this sale (renderer/customer-display/)
  const { go } = useNavigation();
  const [revision, setRevision] = useState(0);
  const preview = usePreview(checkout, revision);
  const { quote, error: previewError, redemptionProblem } = preview;
  const [notice, setNotice] = useState<Notice | null>(null);
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  /**
   * A manager's PIN given for this sale's redemption (checked by the backend at Complete): beyond
   * the offline allowance, or for a member found by search rather than scanned (for that member only).
   */
  const [override, setOverride] = useState<(Override & { saleId: string; memberId: string | null }) | null>(null);
  /** Why the last Complete did not go through, said beside Complete until the sale changes. */
  const [completeProblem, setCompleteProblem] = useState<string | null>(null);
  const amountField = useRef<HTMLInputElement>(null);
  // One hold per sale attempt: a retry reuses it, so points are never held twice.
  const hold = useRef<{ saleId: string; holdId: string } | null>(null);
  // The latest render's view, for a Complete that waited for the last preview.
  const view = useRef({ checkout, preview });
  view.current = { checkout, preview };

  const p = (n: number) => formatPoints(n, format);
  const member = checkout.member;
  const givenOverride = override?.saleId === checkout.saleId && override.memberId === (member?.id ?? null) ? override : null;
  const offline = quote?.limits.offline;
  const appliedPoints = quote?.redemption?.points ?? 0;
  const needsOverride = !!offline && !givenOverride && appliedPoints > offline.maxWithoutOverride;
  // Found by search, not scanned: a redemption needs a manager's PIN (the backend refuses it without one).
  const presence = quote?.limits.presenceOverride && quote.redemption ? (givenOverride ? 'given' : 'needed') : null;
  const presenceReason = () => t('redeem.presence.overrideReason', { name: member ? memberName(member, t) : '' });

  const say = (tone: Notice['tone'], text: string, action?: Notice['action']) => {
    setNotice({ tone, text, ...(action ? { action } : {}) });
    feedback(tone);
  };

  // Whatever changes the sale makes the last refusal beside Complete stale.
  const saleKey = JSON.stringify([checkout.saleId, checkout.lines, checkout.redemption, checkout.member?.id]);
  useEffect(() => setCompleteProblem(null), [saleKey]);

  /** The member again from the backend (their figures may have changed elsewhere), and the basket priced again. */
  // The member on screen, for comparing a fresh answer with it.
  const shownRef = useRef(shownMember(checkout));
  shownRef.current = shownMember(checkout);
  const refreshMember = useCallback(
    async (memberId: string) => {
      try {
        const fresh = await client.call('member.get', { memberId });
        // Unchanged (most sync rounds): nothing to draw, nothing to price again.
        if (JSON.stringify(fresh) === JSON.stringify(shownRef.current)) return;
        dispatch({ type: 'memberRefreshed', member: fresh });
      } catch {
        // Keep what is on screen; the next refresh tries again.
      }
      setRevision((r) => r + 1);
    },
    [client, dispatch],
  );

  // Coming back to the checkout (from a refund or an adjustment in the member's history): fresh figures.
  const shownId = shownMember(checkout)?.id ?? null;
  // Only on arrival (later changes come with their own refresh), hence the id read through a ref.
  const arrivalId = useRef(shownId);
  useEffect(() => {
    if (arrivalId.current !== null) void refreshMember(arrivalId.current);
  }, [refreshMember]);

  // A sale restored after a reload or a backend restart: its member as the backend knows them now.
  useEffect(() => {
    const id = checkout.restoringMemberId;
    if (id === null) return;
    client.call('member.get', { memberId: id }).then(
      (m) => dispatch({ type: 'memberRestored', member: m }),
      () => dispatch({ type: 'memberRestored', member: null }),
    );
  }, [client, dispatch, checkout.restoringMemberId]);

  // Each sync may change a balance (a pull) or confirm pending points (a push): fetch and price again.
  const shownIdRef = useRef(shownId);
  shownIdRef.current = shownId;
  useEffect(() => {
    let lastSuccess: number | null | undefined;
    let lastOffline: boolean | undefined;
    return connection.onEvent((event) => {
      if (event.name !== 'sync.status') return;
      const { lastSuccessAt, state } = event.status;
      const offlineNow = state === 'offline' || state === 'error' ? true : state === 'online' ? false : lastOffline;
      const synced = lastSuccess !== undefined && lastSuccessAt !== lastSuccess;
      const flipped = lastOffline !== undefined && offlineNow !== lastOffline;
      lastSuccess = lastSuccessAt;
      lastOffline = offlineNow;
      if (!synced && !flipped) return;
      const id = shownIdRef.current;
      if (id !== null) void refreshMember(id);
      else setRevision((r) => r + 1);
    });
  }, [connection, refreshMember]);

  const show = (outcome: ScanOutcome) => {
    switch (outcome.kind) {
      case 'member':
        dispatch({ type: 'member', member: outcome.member });
        // The scan tells the backend the member is here: a member found by search may now redeem without a PIN.
        setRevision((r) => r + 1);
        return say('good', t('scan.memberFound', { name: memberName(outcome.member, t) }));
      case 'product':
        dispatch({ type: 'addProduct', sku: outcome.product.sku, name: outcome.product.name, unitPriceMinor: outcome.product.priceMinor });
        return say('good', t('scan.productAdded', { name: outcome.product.name }));
      case 'blank-card':
        return say(
          'bad',
          t('scan.blankCard'),
          canAct(staff, 'manager')
            ? { label: t('nav.enrol'), run: () => go({ name: 'enrol', cardNumber: outcome.cardNumber }) }
            : undefined,
        );
      case 'unknown-member':
        return say('bad', t('scan.unknownMember'));
      case 'unknown-product':
        return say('bad', t('scan.unknownProduct'));
      case 'rejected':
        return say('bad', scanRejectionText(outcome, t));
    }
  };

  const onScan = async (scan: ScanEvent) => {
    try {
      show(await client.call('scan.resolve', scan));
    } catch (e) {
      say('bad', e instanceof ApiError ? errorText(e, t, format) : t('scan.failed'));
    }
  };
  useScans(onScan);

  const commitWords = (e: unknown): string => {
    if (!(e instanceof ApiError)) return t('error.generic');
    const details = e.payload.details ?? {};
    if (e.payload.code === 'LOCKED_OUT') return t('redeem.overrideLocked');
    if (e.payload.code === 'REDEMPTION_NOT_ALLOWED' && details.reason === 'override_refused') return t('redeem.overrideRefused');
    if (e.payload.code === 'REDEMPTION_NOT_ALLOWED' && details.reason === 'presence_required') return t('redeem.presence.required');
    if (e.payload.code === 'REDEMPTION_NOT_ALLOWED' && typeof details.reason === 'string' && details.reason.endsWith('_daily_cap'))
      return offlineRefusalText(details.reason, typeof details.capRemaining === 'number' ? details.capRemaining : null, i18n);
    return t('sale.failed', { reason: errorText(e, t, format) });
  };

  const complete = async () => {
    if (busy || dialog !== null) return;
    setBusy(true);
    try {
      // The quote on screen must answer the basket as it is: wait for the last change's preview.
      await view.current.preview.settled();
      const { checkout: sale, preview: priced } = view.current;
      if (sale.lines.length === 0 || sale.receipt || !priced.quote || priced.redemptionProblem || priced.error) {
        feedback('bad');
        return;
      }
      const q = priced.quote;
      const points = q.redemption?.points ?? 0;
      const ov =
        override?.saleId === sale.saleId && override.memberId === (sale.member?.id ?? null)
          ? { staffId: override.staffId, pin: override.pin }
          : null;
      if (q.limits.offline && !ov && points > q.limits.offline.maxWithoutOverride) {
        setDialog({ kind: 'override', reason: t('redeem.offline.overrideReason', { max: p(q.limits.offline.maxWithoutOverride) }) });
        return;
      }
      // Found by search: the manager's PIN first (Complete asks for it; the backend would refuse without it).
      if (q.limits.presenceOverride && q.redemption && !ov) {
        setDialog({ kind: 'override', reason: presenceReason() });
        return;
      }
      // A PIN given for the offline allowance stands in for the hold; one given only for presence does not.
      const offlineOverride = ov !== null && !!q.limits.offline && points > q.limits.offline.maxWithoutOverride;
      let holdId: string | null = null;
      if (sale.member && points > 0 && !offlineOverride) {
        if (hold.current?.saleId !== sale.saleId) hold.current = { saleId: sale.saleId, holdId: uuidv7() };
        const held = await client.call('redemption.hold', { holdId: hold.current.holdId, memberId: sale.member.id, points });
        if (held.mode === 'online') holdId = held.holdId;
        else if (!held.allowed && !ov) {
          // The server stopped answering since the basket was priced: the same question, asked now, in words.
          setRevision((r) => r + 1);
          setDialog({ kind: 'override', reason: offlineRefusalText(held.reason, held.capRemaining, i18n) });
          feedback('bad');
          return;
        }
      }
      const receipt = await client.call('sale.commit', {
        saleId: sale.saleId,
        memberId: sale.member?.id ?? null,
        lines: sale.lines.map((l) =>
          l.kind === 'product' ? { sku: l.sku, quantity: l.quantity } : { category: l.category, amountMinor: l.amountMinor },
        ),
        redemption: sale.redemption,
        holdId,
        override: ov,
      });
      setNotice(null);
      setOverride(null);
      feedback('good');
      // The member as they are now (new balance, maybe a new tier): the backend's answer, not arithmetic here.
      const after: Member | null = receipt.memberId
        ? await client.call('member.get', { memberId: receipt.memberId }).catch(() => null)
        : null;
      dispatch({ type: 'completed', receipt, member: after, nextSaleId: uuidv7() });
    } catch (e) {
      // Nothing is lost: the same sale id is kept, so "complete" again can never double the sale.
      if (e instanceof ApiError && (e.payload.code === 'LOCKED_OUT' || e.payload.details?.reason === 'override_refused')) setOverride(null);
      setCompleteProblem(commitWords(e));
      feedback('bad');
    } finally {
      setBusy(false);
    }
  };

  const voidLast = async () => {
    setDialog(null);
    const saleId = checkout.lastSaleId;
    if (!saleId) return;
    try {
      const result = await client.call('sale.void', { saleId });
      const voidedFor = checkout.receipt?.saleId === saleId ? checkout.receiptMember : null;
      // A fresh sale with no member: the next scan earns for nobody's voided sale.
      dispatch({ type: 'voided', nextSaleId: uuidv7() });
      setOverride(null);
      say(
        'good',
        result.balanceAfter !== null && voidedFor
          ? t('sale.voidedBalance', { name: memberName(voidedFor, t), points: p(result.balanceAfter) })
          : t('sale.voided'),
      );
    } catch (e) {
      say('bad', errorText(e, t, format));
    }
  };

  const dirty = !checkout.receipt && (checkout.lines.length > 0 || checkout.member !== null || checkout.restoringMemberId !== null);
  const newSale = () => {
    setDialog(null);
    setNotice(null);
    setOverride(null);
    dispatch({ type: 'clear', nextSaleId: checkout.receipt ? checkout.saleId : uuidv7() });
  };
  const requestNewSale = () => (dirty ? setDialog({ kind: 'confirmNewSale' }) : newSale());

  const limits = quote?.limits;
  const canRedeem = !!member && !checkout.receipt && !!limits?.allowed;
  const quickShown = limits?.quick ?? [];

  const blockedReason =
    checkout.receipt || checkout.lines.length === 0
      ? null
      : completeProblem
        ? completeProblem
        : redemptionProblem
          ? t('sale.blockedRedemption')
          : needsOverride
            ? t('sale.blockedOverride')
            : previewError
              ? previewError
              : null;
  const canComplete =
    !checkout.receipt && checkout.lines.length > 0 && quote !== null && !redemptionProblem && !needsOverride && !previewError;

  const run = (command: CheckoutCommand): boolean => {
    if (dialog !== null) return false;
    switch (command) {
      case 'newSale':
        requestNewSale();
        return true;
      case 'findMember':
        go({ name: 'find' });
        return true;
      case 'redeem':
        if (!canRedeem) return false;
        setDialog({ kind: 'exact' });
        return true;
      case 'keyedAmount':
        amountField.current?.focus();
        return true;
      case 'voidLast':
        if (!checkout.lastSaleId) return false;
        setDialog({ kind: 'confirmVoid' });
        return true;
      case 'complete':
        if (!canComplete) return false;
        void complete();
        return true;
      default: {
        const points = quickShown[QUICK_COMMANDS.indexOf(command)];
        if (!canRedeem || points === undefined) return false;
        dispatch({ type: 'redeem', redemption: { kind: 'points', points } });
        return true;
      }
    }
  };
  useCheckoutShortcuts(dialog === null, run);

  // A tap leaves no focus behind, so Enter afterwards completes instead of pressing that button again.
  const dropPointerFocus = (e: React.MouseEvent) => {
    if (e.detail === 0) return; // a keyboard "click" keeps its focus
    const button = (e.target as Element).closest('button');
    if (button && !button.closest('dialog')) requestAnimationFrame(() => button.blur());
  };

  // Any whole number is taken: the backend judges it, and a refusal is said beside the points (one source of truth).
  const exactCheck = (value: string): string | null => {
    const points = Number(value);
    return Number.isSafeInteger(points) && points > 0 ? null : t('redeem.why.other');
  };

  const shown = shownMember(checkout);
  return (
    <main className="screen checkout" onClickCapture={dropPointerFocus}>
      <section className="checkout-sale" aria-label={t('checkout.sale')}>
        {shown ? (
          <MemberPanel
            member={shown}
            actions={
              <>
                <button type="button" onClick={() => go({ name: 'member', memberId: shown.id })}>
                  {t('member.open')}
                </button>
                {!checkout.receipt && (
                  <button type="button" onClick={() => dispatch({ type: 'member', member: null })}>
                    {t('member.clear')}
                  </button>
                )}
              </>
            }
          />
        ) : (
          <div className="prompt">
            <span>{checkout.restoringMemberId ? t('common.loading') : t('scan.prompt')}</span>
            <button type="button" onClick={() => go({ name: 'find' })} aria-keyshortcuts={SHORTCUTS.findMember}>
              {t('nav.find')} <kbd>{SHORTCUTS.findMember}</kbd>
            </button>
          </div>
        )}
        <p className={`notice ${notice ? `notice-${notice.tone}` : 'notice-empty'}`} role="status" data-tone={notice?.tone}>
          <span>{notice ? notice.text : '\u00a0'}</span>
          {notice?.action && (
            <button type="button" onClick={notice.action.run}>
              {notice.action.label}
            </button>
          )}
        </p>
        <div className="basket-area">
          {checkout.receipt ? (
            <Receipt receipt={checkout.receipt} />
          ) : (
            <Basket
              lines={checkout.lines}
              quote={quote}
              onQuantity={(line) => setDialog({ kind: 'quantity', line })}
              onRemove={(line) => dispatch({ type: 'remove', key: line.key })}
            />
          )}
        </div>
        {!checkout.receipt && (
          <KeyedAmountForm
            ref={amountField}
            categories={info.categories}
            shortcut={SHORTCUTS.keyedAmount}
            onAdd={(category, amountMinor) => dispatch({ type: 'addKeyed', category, amountMinor })}
            onPad={(category) => setDialog({ kind: 'keyed', category })}
          />
        )}
      </section>
      <aside className="checkout-side">
        <div className="toolbar">
          <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera}>
            {camera ? t('scan.closeCamera') : t('scan.camera')}
          </button>
          {checkout.lastSaleId && (
            <button
              type="button"
              className="danger-outline void-last"
              onClick={() => setDialog({ kind: 'confirmVoid' })}
              aria-keyshortcuts={SHORTCUTS.voidLast}
            >
              {t('sale.voidLast')} <kbd>{SHORTCUTS.voidLast}</kbd>
            </button>
          )}
        </div>
        {camera && <CameraPanel onScan={onScan} />}
        {!checkout.receipt && (
          <>
            <EarnPreview quote={quote} memberId={member?.id ?? null} />
            {member && (
              <RedemptionPanel
                member={member}
                quote={quote}
                redemption={checkout.redemption}
                problem={redemptionProblem}
                needsOverride={needsOverride}
                overrideGiven={givenOverride !== null}
                presence={presence}
                rewards={info.rewards}
                onChange={(r) => dispatch({ type: 'redeem', redemption: r })}
                onExact={() => setDialog({ kind: 'exact' })}
                onAskOverride={() =>
                  setDialog({
                    kind: 'override',
                    reason:
                      presence === 'needed' && !needsOverride
                        ? presenceReason()
                        : t('redeem.offline.overrideReason', { max: p(offline?.maxWithoutOverride ?? 0) }),
                  })
                }
              />
            )}
          </>
        )}
      </aside>
      <CheckoutBar
        quote={checkout.lines.length > 0 ? quote : null}
        receipt={checkout.receipt}
        hasMember={!!shown}
        blockedReason={blockedReason}
        canComplete={canComplete}
        busy={busy}
        dirty={dirty}
        onComplete={() => void complete()}
        onNewSale={requestNewSale}
      />

      {dialog?.kind === 'exact' && limits && (
        <PadDialog
          title={t('redeem.exact')}
          hint={
            offline && !givenOverride
              ? t('redeem.exactHintOffline', { min: p(limits.minPoints), max: p(offline.maxWithoutOverride), step: p(limits.stepPoints) })
              : t('redeem.range', { min: p(limits.minPoints), max: p(limits.maxPoints), step: p(limits.stepPoints) })
          }
          maxLength={7}
          submitLabel={t('redeem.apply')}
          check={exactCheck}
          onCancel={() => setDialog(null)}
          onSubmit={(value) => {
            const points = Number(value);
            dispatch({ type: 'redeem', redemption: { kind: 'points', points } });
            setDialog(
              offline && !givenOverride && points > offline.maxWithoutOverride
                ? { kind: 'override', reason: t('redeem.offline.overrideReason', { max: p(offline.maxWithoutOverride) }) }
                : null,
            );
          }}
        />
      )}
      {dialog?.kind === 'quantity' && (
        <PadDialog
          title={t('basket.quantityFor', { name: dialog.line.name })}
          initial=""
          hint={t('basket.quantityNow', { quantity: dialog.line.quantity })}
          maxLength={4}
          submitLabel={t('common.confirm')}
          check={(v) => (Number(v) >= 1 && Number(v) <= 9999 ? null : t('basket.quantityRange'))}
          onCancel={() => setDialog(null)}
          onSubmit={(v) => {
            dispatch({ type: 'quantity', key: dialog.line.key, quantity: Number(v) });
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'keyed' && (
        <PadDialog
          title={t('keyed.title')}
          decimalSeparator={decimalSeparator(format.locale)}
          submitLabel={t('keyed.add')}
          check={(v) => {
            const minor = parseMoney(v, format);
            return minor === null || minor <= 0 ? t('keyed.badAmount') : null;
          }}
          onCancel={() => setDialog(null)}
          onSubmit={(v) => {
            dispatch({ type: 'addKeyed', category: dialog.category, amountMinor: parseMoney(v, format)! });
            setDialog(null);
          }}
        >
          <label className="pad-category">
            {t('keyed.category')}
            <select value={dialog.category} onChange={(e) => setDialog({ kind: 'keyed', category: e.target.value })}>
              {info.categories.map((c) => (
                <option key={c} value={c}>
                  {words.category(c)}
                </option>
              ))}
            </select>
          </label>
        </PadDialog>
      )}
      {dialog?.kind === 'override' && (
        <OverrideDialog
          reason={dialog.reason}
          onCancel={() => setDialog(null)}
          onSubmit={(o) => {
            setOverride({ ...o, saleId: checkout.saleId, memberId: checkout.member?.id ?? null });
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'confirmNewSale' && (
        <ConfirmDialog
          title={t('sale.clearSale')}
          text={t('sale.clearConfirm')}
          confirmLabel={t('sale.clearSale')}
          onConfirm={newSale}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'confirmVoid' && (
        <ConfirmDialog
          title={t('sale.voidLast')}
          text={checkout.receipt || checkout.lines.length === 0 ? t('sale.voidConfirm') : t('sale.voidConfirmBasket')}
          confirmLabel={t('sale.voidConfirmButton')}
          onConfirm={() => void voidLast()}
          onCancel={() => setDialog(null)}
        />
      )}
    </main>
  );
}

/** The decimal separator of the store's locale, for the amount pad. */
function decimalSeparator(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}
