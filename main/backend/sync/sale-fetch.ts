/**
 * Sales of this store from the central server: one sale by id (to refund at
 * this till a sale made at another) and a member's sales at the store (the
 * history lists those made at other tills). Within a time budget: the manager
 * at the counter never waits on a slow network, and what the server could not
 * say in time is answered `unreachable`, never thrown.
 */
import { memberSalesResponseSchema, saleResponseSchema, type SaleRecord } from '../../../shared/sync-protocol.ts';
import type { Logger } from '../platform/logging.ts';
import { SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';

export type SaleLookup =
  | { kind: 'found'; sale: SaleRecord }
  /** The server holds no sale of this store with that id. */
  | { kind: 'not_found' }
  /** Offline, too slow, or the server erred: nothing is known. */
  | { kind: 'unreachable'; reason: string }
  | { kind: 'not_paired' };

export type MemberSalesLookup = { kind: 'found'; sales: SaleRecord[] } | { kind: 'unreachable'; reason: string } | { kind: 'not_paired' };

export interface SaleFetchDeps {
  /** null when the terminal is not paired. */
  client: SyncHttpClient | null;
  log: Logger;
}

export async function fetchSale(deps: SaleFetchDeps, saleId: string, budgetMs: number): Promise<SaleLookup> {
  if (deps.client === null) return { kind: 'not_paired' };
  try {
    const { sale } = await deps.client.get(`/v1/sales/${encodeURIComponent(saleId)}`, saleResponseSchema, { timeoutMs: budgetMs });
    return { kind: 'found', sale };
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    if (error.kind === 'http' && error.status === 404) return { kind: 'not_found' };
    const reason = failureReason(error);
    deps.log.log('info', 'sale.fetch.unreachable', { saleId, cause: reason });
    return { kind: 'unreachable', reason };
  }
}

export async function fetchMemberSales(
  deps: SaleFetchDeps,
  memberId: string,
  page: { limit: number; before?: number },
  budgetMs: number,
): Promise<MemberSalesLookup> {
  if (deps.client === null) return { kind: 'not_paired' };
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.before !== undefined) query.set('before', String(page.before));
  try {
    const { sales } = await deps.client.get(
      `/v1/members/${encodeURIComponent(memberId)}/sales?${query.toString()}`,
      memberSalesResponseSchema,
      {
        timeoutMs: budgetMs,
      },
    );
    return { kind: 'found', sales };
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    const reason = failureReason(error);
    deps.log.log('info', 'member.sales.unreachable', { memberId, cause: reason });
    return { kind: 'unreachable', reason };
  }
}

function failureReason(error: SyncFailure): string {
  return error.kind === 'http' ? `http ${error.status}` : error.kind;
}
