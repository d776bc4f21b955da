import type { Output } from '../../../shared/api.ts';

export type History = Output<'member.history'>;

/**
 * A further page of history joined to what is shown: sales and ledger entries
 * each once (a page may overlap the last), newest first.
 */
export function mergeHistory(shown: History, page: History): History {
  const sales = new Map(shown.sales.map((s) => [s.id, s]));
  for (const s of page.sales) sales.set(s.id, s);
  const ledger = new Map(shown.ledger.map((e) => [e.id, e]));
  for (const e of page.ledger) ledger.set(e.id, e);
  return {
    sales: [...sales.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)),
    ledger: [...ledger.values()].sort((a, b) => b.id - a.id),
    // Whether the latest page could list other tills' sales.
    otherTillsUnavailable: page.otherTillsUnavailable,
  };
}

/** Where the next page of sales starts: before the oldest sale shown. */
export function nextPageBefore(history: History): number | undefined {
  return history.sales.length === 0 ? undefined : Math.min(...history.sales.map((s) => s.createdAt));
}
