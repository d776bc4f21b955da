/**
 * GET /v1/sales/:saleId and GET /v1/members/:memberId/sales: the sales of the
 * requesting terminal's store, for a refund at any till of it and for the
 * member's history there. Read-only: no lock, no change stamp.
 */
import type { MemberSalesResponse, SaleRecord } from '../../shared/sync-protocol.ts';
import { notFound } from '../http/errors.ts';
import type { Queryable } from '../store/db.ts';
import { currentProgram } from '../store/programs.ts';
import { memberSalesOfStore, saleOfStore } from './sale-records.ts';

export async function findSale(db: Queryable, storeId: string, saleId: string): Promise<{ sale: SaleRecord }> {
  const sale = await saleOfStore(db, storeId, saleId, await currentProgram(db));
  // Another store's sale is answered as an unknown one: whether it exists is not this till's business.
  if (sale === null) throw notFound('No such sale in this store.', { saleId });
  return { sale };
}

export async function findMemberSales(
  db: Queryable,
  storeId: string,
  memberId: string,
  query: { limit: number; before?: number | undefined },
): Promise<MemberSalesResponse> {
  const sales = await memberSalesOfStore(
    db,
    storeId,
    memberId,
    { limit: query.limit, before: query.before ?? Number.MAX_SAFE_INTEGER },
    await currentProgram(db),
  );
  return { sales };
}
