/**
 * The transition window of protocol version 1 (HMAC request signing). Version 2
 * (Ed25519 device keys) is always accepted; version 1 only until
 * `v1AcceptedUntil`: the configured date (`--v1-accepted-until` /
 * LOYALTY_V1_ACCEPTED_UNTIL, server/main.ts), or by default 90 days after this
 * server first ran version 2 (the row migration 0006 wrote at that first
 * start). After it an HMAC signature answers 401 `protocol_retired`.
 */
import type { Queryable } from '../store/db.ts';

export const DEFAULT_V1_TRANSITION_MS = 90 * 24 * 60 * 60_000;

export interface ProtocolPolicy {
  /** ms since the epoch; undefined = the default (90 days after version 2 first ran here). */
  v1AcceptedUntil?: number | undefined;
}

/** The end of the window: HMAC signatures made at or after it are refused. */
export async function v1AcceptedUntil(q: Queryable, policy: ProtocolPolicy): Promise<number> {
  if (policy.v1AcceptedUntil !== undefined) return policy.v1AcceptedUntil;
  const [row] = await q.query<{ first_started_at: number }>('SELECT first_started_at FROM protocol_versions WHERE version = 2');
  // The migration always writes the row; without it, refuse HMAC rather than accept it forever.
  return row === undefined ? 0 : Number(row.first_started_at) + DEFAULT_V1_TRANSITION_MS;
}

/**
 * Parses the configured date: an ISO 8601 date or date-time (`2027-03-31`,
 * `2027-03-31T23:59:59Z`); a bare date means the start of that day in UTC.
 * Throws a message naming the setting when it cannot be read.
 */
export function parseV1AcceptedUntil(text: string, setting: string): number {
  const trimmed = text.trim();
  const at = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (!Number.isFinite(at)) throw new Error(`${setting} must be an ISO date such as 2027-03-31 or 2027-03-31T00:00:00Z (got "${text}").`);
  return at;
}
