import { useRef, useState } from 'react';
import type { ScanOutcome } from '../../shared/api.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { feedback } from '../app/feedback.ts';
import { useNavigation } from '../app/navigation.tsx';
import { usePreview } from '../app/use-preview.ts';
import { useScans } from '../app/use-scans.ts';
import { canAct, useSession } from '../app/session.tsx';
import { Basket } from '../components/Basket.tsx';
import { CameraPanel } from '../components/CameraPanel.tsx';
import { EarnPreview } from '../components/EarnPreview.tsx';
import { KeyedAmountForm } from '../components/KeyedAmountForm.tsx';
import { MemberPanel } from '../components/MemberPanel.tsx';
import { Receipt } from '../components/Receipt.tsx';
import { useCustomerDisplayFeed } from '../customer-display/use-customer-display-feed.ts';
import { RedemptionPanel } from '../components/RedemptionPanel.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type Notice = { tone: 'good' | 'bad'; text: string; action?: { label: string; run(): void } };
type Override = { staffId: string; pin: string };

/** The home screen: who the customer is, what they buy, what they earn and spend, and "complete". */
export function CheckoutScreen() {
  const { client } = useApi();
  const { t } = useI18n();
  const { staff, info, checkout, dispatch } = useSession();
  useCustomerDisplayFeed(checkout); // the customer display follows this sale (renderer/customer-display/)
  const { go } = useNavigation();
  const { quote, error: previewError } = usePreview(checkout);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  const [needsOverride, setNeedsOverride] = useState<string | null>(null);
  // One hold per sale attempt: a retry reuses it, so points are never held twice.
  const hold = useRef<{ saleId: string; holdId: string } | null>(null);

  const say = (tone: Notice['tone'], text: string, action?: Notice['action']) => {
    setNotice({ tone, text, ...(action ? { action } : {}) });
    feedback(tone);
  };

  const show = (outcome: ScanOutcome) => {
    switch (outcome.kind) {
      case 'member':
        dispatch({ type: 'member', member: outcome.member });
        return say('good', t('scan.memberFound', { name: outcome.member.name }));
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
        return say('bad', t('scan.rejected', { reason: outcome.reason }));
    }
  };

  const onScan = async (scan: ScanEvent) => {
    try {
      show(await client.call('scan.resolve', scan));
    } catch (e) {
      say('bad', e instanceof ApiError ? e.message : t('scan.failed'));
    }
  };
  useScans(onScan);

  const complete = async (override: Override | null = null) => {
    if (busy || checkout.lines.length === 0) return;
    setBusy(true);
    try {
      let holdId: string | null = null;
      const points = quote?.redemption?.points ?? 0;
      if (checkout.member && points > 0 && !override) {
        if (hold.current?.saleId !== checkout.saleId) hold.current = { saleId: checkout.saleId, holdId: uuidv7() };
        const held = await client.call('redemption.hold', { holdId: hold.current.holdId, memberId: checkout.member.id, points });
        if (held.mode === 'online') holdId = held.holdId;
        else if (!held.allowed) {
          setNeedsOverride(held.reason ?? t('redeem.override'));
          feedback('bad');
          return;
        }
      }
      const receipt = await client.call('sale.commit', {
        saleId: checkout.saleId,
        memberId: checkout.member?.id ?? null,
        lines: checkout.lines.map((l) =>
          l.kind === 'product' ? { sku: l.sku, quantity: l.quantity } : { category: l.category, amountMinor: l.amountMinor },
        ),
        redemption: checkout.redemption,
        holdId,
        override,
      });
      setNeedsOverride(null);
      setNotice(null);
      feedback('good');
      // The member as they are now (new balance, maybe a new tier); the receipt has the figures if this fails.
      const after = receipt.memberId ? await client.call('member.get', { memberId: receipt.memberId }).catch(() => checkout.member) : null;
      dispatch({ type: 'completed', receipt, member: after, nextSaleId: uuidv7() });
    } catch (e) {
      // Nothing is lost: the same sale id is kept, so "complete" again can never double the sale.
      say('bad', t('sale.failed', { reason: e instanceof ApiError ? e.message : t('error.generic') }));
    } finally {
      setBusy(false);
    }
  };

  const voidLast = async () => {
    if (!checkout.lastSaleId || !window.confirm(t('sale.voidConfirm'))) return;
    try {
      await client.call('sale.void', { saleId: checkout.lastSaleId });
      dispatch({ type: 'voided' });
      say('good', t('sale.voided'));
    } catch (e) {
      say('bad', e instanceof ApiError ? e.message : t('error.generic'));
    }
  };

  const member = checkout.member;
  return (
    <main className="screen checkout">
      <div className="checkout-main">
        {member ? (
          <MemberPanel
            member={member}
            actions={
              <>
                <button type="button" onClick={() => go({ name: 'member', memberId: member.id })}>
                  {t('member.open')}
                </button>
                <button type="button" onClick={() => dispatch({ type: 'member', member: null })}>
                  {t('member.clear')}
                </button>
              </>
            }
          />
        ) : (
          <p className="prompt">{t('scan.prompt')}</p>
        )}
        <p className={`notice ${notice ? `notice-${notice.tone}` : 'notice-empty'}`} role="status" data-tone={notice?.tone}>
          {notice ? notice.text : '\u00a0'}
          {notice?.action && (
            <button type="button" onClick={notice.action.run}>
              {notice.action.label}
            </button>
          )}
        </p>
        {checkout.receipt ? (
          <Receipt receipt={checkout.receipt} />
        ) : (
          <>
            <Basket lines={checkout.lines} quote={quote} dispatch={dispatch} />
            {previewError && (
              <p className="notice notice-bad" role="alert">
                {previewError}
              </p>
            )}
            <KeyedAmountForm
              categories={info.categories}
              onAdd={(category, amountMinor) => dispatch({ type: 'addKeyed', category, amountMinor })}
            />
          </>
        )}
      </div>
      <aside className="checkout-side">
        <div className="toolbar">
          <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera}>
            {camera ? t('scan.closeCamera') : t('scan.camera')}
          </button>
          {checkout.lastSaleId && (
            <button type="button" onClick={voidLast}>
              {t('sale.voidLast')}
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
                rewards={info.rewards}
                onChange={(r) => dispatch({ type: 'redeem', redemption: r })}
              />
            )}
            {needsOverride && (
              <OverrideForm reason={needsOverride} onSubmit={(o) => void complete(o)} onCancel={() => setNeedsOverride(null)} />
            )}
            <button
              type="button"
              className="primary complete"
              disabled={busy || checkout.lines.length === 0 || quote === null}
              onClick={() => void complete()}
            >
              {busy ? t('sale.completing') : t('sale.complete')}
            </button>
            {checkout.lines.length > 0 && (
              <button type="button" onClick={() => dispatch({ type: 'clear', nextSaleId: uuidv7() })}>
                {t('sale.clearBasket')}
              </button>
            )}
          </>
        )}
        {checkout.receipt && (
          <button
            type="button"
            className="primary"
            autoFocus
            onClick={() => dispatch({ type: 'clear', nextSaleId: checkout.saleId })}
            data-testid="new-sale"
          >
            {t('sale.newSale')}
          </button>
        )}
      </aside>
    </main>
  );
}

function OverrideForm({ reason, onSubmit, onCancel }: { reason: string; onSubmit(o: Override): void; onCancel(): void }) {
  const { t } = useI18n();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  return (
    <form
      className="override"
      aria-label={t('redeem.override')}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ staffId: staffId.trim(), pin });
      }}
    >
      <p role="alert">{reason}</p>
      <label>
        {t('redeem.overrideStaff')}
        <input value={staffId} onChange={(e) => setStaffId(e.target.value)} autoFocus required />
      </label>
      <label>
        {t('redeem.overridePin')}
        <input
          type="password"
          inputMode="numeric"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          required
        />
      </label>
      <button type="submit" className="primary">
        {t('common.confirm')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
