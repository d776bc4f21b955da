import type { Output, ParsedInput } from '../../../shared/api.ts';
import { redemptionPolicy, type ProgramConfig } from '../../../shared/program.ts';
import { quickAmounts } from '../../../shared/loyalty/redeem.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import type { SaleQuote } from '../../../shared/loyalty/types.ts';
import type { SyncReader } from '../context.ts';
import type { ReadableDb } from '../store/connection.ts';
import { offlineRedeemedSince } from '../store/sync-redemptions.ts';
import { resolveBasket, type DescribedLine } from './basket.ts';
import { loadMemberState, type LoadedMember } from './member-state.ts';
import type { MemberPresence } from './member-presence.ts';
import { judgedOffline, offlineAllowance, offlineLimits, storeDayStart, type OfflineCaps } from './offline-policy.ts';
import { quoteView } from './quote-view.ts';

export interface Priced {
  basket: DescribedLine[];
  quote: SaleQuote;
  member: LoadedMember | null;
}

/** Prices a basket for a member with the pure engine; shared by preview and commit. */
export function price(db: ReadableDb, program: ProgramConfig, input: ParsedInput<'sale.preview'>, now: number): Priced {
  const basket = resolveBasket(db, input.lines);
  const loaded = input.memberId === null ? null : loadMemberState(db, input.memberId, program, now);
  const quote = priceSale({ program, now, lines: basket, member: loaded?.state ?? null, redemption: input.redemption });
  return { basket, quote, member: loaded };
}

/**
 * The sale as the checkout shows it. `offlineCaps` is given while a redemption would be judged
 * offline now (see `offlineCapsNow`): the limits then say what today's offline allowance leaves
 * and offer quick amounts only within it, so a manager's PIN is asked for up front, never at Complete.
 * `seen` (the command layer's): a member no scan identified at this till gets `limits.presenceOverride`.
 */
export function previewSale(
  db: ReadableDb,
  program: ProgramConfig,
  input: ParsedInput<'sale.preview'>,
  now: number,
  offlineCaps: OfflineCaps | null = null,
  seen: { presence: MemberPresence; staffId: string } | null = null,
): Output<'sale.preview'> {
  const { basket, quote } = price(db, program, input, now);
  const priced = quoteView(quote, basket, program);
  // Found by search, not scanned: the screen asks for a manager's PIN before Complete (sales/commit.ts enforces it).
  const view =
    seen !== null &&
    input.memberId !== null &&
    redemptionPolicy(program).requirePresence &&
    !seen.presence.isPresent(seen.staffId, input.memberId, now)
      ? { ...priced, limits: { ...priced.limits, presenceOverride: true } }
      : priced;
  if (offlineCaps === null || input.memberId === null || !view.limits.allowed) return view;
  const since = storeDayStart(now, program.timeZone);
  const allowance = offlineAllowance(
    { member: offlineRedeemedSince(db, input.memberId, since), terminal: offlineRedeemedSince(db, null, since) },
    offlineCaps,
  );
  const offline = offlineLimits(view.limits, allowance);
  const { minPoints, stepPoints } = view.limits;
  const quick = offline.maxWithoutOverride > 0 ? quickAmounts(minPoints, offline.maxWithoutOverride, stepPoints) : [];
  return { ...view, limits: { ...view.limits, quick, offline } };
}

/** The last settled answer per sync engine: "syncing" keeps it (offline-policy.ts judgedOffline). */
const settled = new WeakMap<object, boolean>();

/** The offline caps when a redemption would be judged offline now; null online or unpaired. */
export function offlineCapsNow(sync: SyncReader): OfflineCaps | null {
  const caps = sync.offlineCaps();
  if (caps === null) return null;
  const status = sync.status();
  const offline = judgedOffline(status, settled.get(sync));
  if (status.state !== 'syncing') settled.set(sync, offline);
  return offline ? caps : null;
}
