/**
 * Online member look-ups (least data on every till): the chain's members by phone or name
 * (GET /v1/members/search) and a member's whole ledger (GET /v1/members/:id/history). Within
 * a short budget, failing soft: what the server could not say in time is answered
 * `unavailable` with a short reason, never thrown. The query is never logged.
 */
import {
  memberHistoryResponseSchema,
  memberSearchResponseSchema,
  type MemberHistoryResponse,
  type MemberSearchResponse,
} from '../../../shared/sync-protocol.ts';
import type { Logger } from '../platform/logging.ts';
import { SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';

/** Why an online look-up gave nothing: no link (offline, timeout, server error), not paired, a query too short, the till's budget spent. */
export type LookupUnavailable = 'offline' | 'not_paired' | 'too_short' | 'rate_limited';

export type MemberSearchLookup = { kind: 'found'; answer: MemberSearchResponse } | { kind: 'unavailable'; reason: LookupUnavailable };
export type MemberHistoryLookup =
  { kind: 'found'; answer: MemberHistoryResponse } | { kind: 'not_found' } | { kind: 'unavailable'; reason: LookupUnavailable };

export interface MemberLookupDeps {
  /** null when the terminal is not paired. */
  client: SyncHttpClient | null;
  log: Logger;
}

export async function searchMembersOnline(
  deps: MemberLookupDeps,
  query: { q: string; country: string | undefined },
  budgetMs: number,
): Promise<MemberSearchLookup> {
  if (deps.client === null) return { kind: 'unavailable', reason: 'not_paired' };
  const params = new URLSearchParams({ q: query.q, ...(query.country === undefined ? {} : { country: query.country }) });
  try {
    const answer = await deps.client.get(`/v1/members/search?${params.toString()}`, memberSearchResponseSchema, { timeoutMs: budgetMs });
    return { kind: 'found', answer };
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    const reason = unavailable(error);
    // The kind of failure only: the query is personal data.
    deps.log.log('info', 'member.search_online.unavailable', { reason, failure: failureKind(error) });
    return { kind: 'unavailable', reason };
  }
}

export async function memberHistoryOnline(
  deps: MemberLookupDeps,
  memberId: string,
  page: { limit: number; before?: string | undefined },
  budgetMs: number,
): Promise<MemberHistoryLookup> {
  if (deps.client === null) return { kind: 'unavailable', reason: 'not_paired' };
  const params = new URLSearchParams({ limit: String(page.limit), ...(page.before === undefined ? {} : { before: page.before }) });
  try {
    const answer = await deps.client.get(
      `/v1/members/${encodeURIComponent(memberId)}/history?${params.toString()}`,
      memberHistoryResponseSchema,
      { timeoutMs: budgetMs },
    );
    return { kind: 'found', answer };
  } catch (error) {
    if (!(error instanceof SyncFailure)) throw error;
    if (error.kind === 'http' && error.status === 404) return { kind: 'not_found' };
    const reason = unavailable(error);
    deps.log.log('info', 'member.history_online.unavailable', { memberId, reason, failure: failureKind(error) });
    return { kind: 'unavailable', reason };
  }
}

function unavailable(error: SyncFailure): LookupUnavailable {
  if (error.kind === 'http' && error.code === 'QUERY_TOO_SHORT') return 'too_short';
  if (error.kind === 'http' && error.status === 429) return 'rate_limited';
  return 'offline';
}

function failureKind(error: SyncFailure): string {
  return error.kind === 'http' ? `http ${error.status}` : error.kind;
}
