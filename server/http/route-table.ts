/**
 * Every /v1 route, defined once: method, path, authentication, request and
 * response schemas (zod, from shared/sync-protocol.ts) and the handler. The
 * fastify app registers from this table and server/openapi.json is generated
 * from it (server/http/openapi.ts), so the document cannot drift from the code.
 */
import { z } from 'zod';
import {
  changesQuerySchema,
  deviceKeyRequestSchema,
  deviceKeyResponseSchema,
  holdRequestSchema,
  holdResponseSchema,
  MAX_PAIR_BODY_BYTES,
  MAX_SMALL_BODY_BYTES,
  memberHistoryQuerySchema,
  memberHistoryResponseSchema,
  memberSalesQuerySchema,
  memberSalesResponseSchema,
  memberSearchQuerySchema,
  memberSearchResponseSchema,
  memberTokenRequestSchema,
  memberTokenResponseSchema,
  pairRequestSchema,
  pairResponseSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  saleResponseSchema,
} from '../../shared/sync-protocol.ts';
import { uuidSchema } from '../../shared/ids.ts';
import { pushEvents } from '../apply/push.ts';
import { registerDeviceKey } from '../auth/device-key.ts';
import { pairTerminal } from '../auth/pair.ts';
import type { ProtocolPolicy } from '../auth/protocol-window.ts';
import type { AuthenticatedTerminal } from '../auth/verify-request.ts';
import { placeHold, releaseHold } from '../holds/holds.ts';
import { pullChanges } from '../pull/changes.ts';
import type { LookupBudget } from './abuse-limits.ts';
import { RawJson } from './raw-json.ts';
import { memberHistory } from '../members/member-history.ts';
import { searchMembers } from '../members/member-search.ts';
import { findMemberSales, findSale } from '../sales/sale-routes.ts';
import type { Db } from '../store/db.ts';
import { issueMemberToken } from '../tokens/member-tokens.ts';

export interface RouteContext {
  db: Db;
  now: number;
  /** null on unauthenticated routes. */
  terminal: AuthenticatedTerminal | null;
  /** Ids and counts for the request's log line: never personal data. */
  logFields: Record<string, unknown>;
  /** The protocol version 1 transition window (auth/protocol-window.ts). */
  protocol: ProtocolPolicy;
}

export interface RouteDef<B = unknown, Q = unknown, P = unknown> {
  method: 'GET' | 'POST';
  /** fastify syntax (`:id`); the OpenAPI document shows `{id}`. */
  url: string;
  operationId: string;
  summary: string;
  auth: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** The success status and its body schema. */
  status: 200 | 201;
  response: z.ZodType;
  /** Error statuses this route may answer (besides 400/413/415/500, which any route may). */
  errors: number[];
  /** A per-terminal budget of its own (abuse-limits.ts): the member look-ups, which read personal data. */
  lookupRate?: LookupBudget;
  /** The largest body this route reads (413 PAYLOAD_TOO_LARGE above it, before any of it is read); default MAX_BODY_BYTES. */
  bodyLimit?: number;
  handler: (input: { body: B; query: Q; params: P }, ctx: RouteContext) => Promise<unknown>;
}

function route<B, Q, P>(def: RouteDef<B, Q, P>): RouteDef {
  return def as unknown as RouteDef;
}

const terminalOf = (ctx: RouteContext): AuthenticatedTerminal => ctx.terminal!;

export const ROUTES: readonly RouteDef[] = [
  route({
    method: 'POST',
    url: '/v1/pair',
    operationId: 'pair',
    summary: 'Pair a terminal with a one-time code; returns its device credentials (once).',
    auth: false,
    body: pairRequestSchema,
    bodyLimit: MAX_PAIR_BODY_BYTES,
    status: 200,
    response: pairResponseSchema,
    errors: [401],
    handler: async ({ body }, ctx) => {
      const paired = await pairTerminal(ctx.db, body, ctx.now, ctx.protocol);
      ctx.logFields.terminalId = paired.terminalId;
      ctx.logFields.storeId = paired.storeId;
      ctx.logFields.protocolVersion = body.publicKey === undefined ? 1 : 2;
      return paired;
    },
  }),
  route({
    method: 'POST',
    url: '/v1/device-key',
    operationId: 'registerDeviceKey',
    summary:
      'A terminal paired with an HMAC secret registers its Ed25519 device public key (signed with the secret); the HMAC key is forgotten in the same transaction. The same key again is answered the same.',
    auth: true,
    body: deviceKeyRequestSchema,
    bodyLimit: MAX_SMALL_BODY_BYTES,
    status: 200,
    response: deviceKeyResponseSchema,
    errors: [401, 409],
    handler: async ({ body }, ctx) => {
      const registered = await registerDeviceKey(ctx.db, terminalOf(ctx), body, ctx.now);
      ctx.logFields.deviceKey = 'registered';
      return registered;
    },
  }),
  route({
    method: 'POST',
    url: '/v1/events',
    operationId: 'pushEvents',
    summary: 'Upload outbox events; applied exactly once per id, the batch atomically.',
    auth: true,
    body: pushRequestSchema,
    status: 200,
    response: pushResponseSchema,
    errors: [401, 409],
    handler: async ({ body }, ctx) => {
      const outcome = await pushEvents(ctx.db, terminalOf(ctx), body.events, ctx.now);
      Object.assign(ctx.logFields, { events: body.events.length, ...outcome.counts, appliedSeq: outcome.appliedSeq });
      return { results: outcome.results, appliedSeq: outcome.appliedSeq };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/changes',
    operationId: 'pullChanges',
    summary: 'A page of members, programme versions, products, staff and keys changed after the cursor.',
    auth: true,
    query: changesQuerySchema,
    status: 200,
    response: pullResponseSchema,
    errors: [401],
    handler: async ({ query }, ctx) => {
      const page = await pullChanges(ctx.db, terminalOf(ctx).terminalId, query.cursor, query.limit, ctx.now);
      Object.assign(ctx.logFields, { members: page.members, more: page.more });
      return new RawJson(page.json);
    },
  }),
  route({
    method: 'POST',
    url: '/v1/holds',
    operationId: 'placeHold',
    summary:
      "Reserve points for an online redemption (idempotent on holdId), within the member's available points and the programme's hold bounds (size, lifetime, rate).",
    auth: true,
    body: holdRequestSchema,
    bodyLimit: MAX_SMALL_BODY_BYTES,
    status: 200,
    response: holdResponseSchema,
    errors: [401, 404, 409, 429],
    handler: async ({ body }, ctx) => {
      ctx.logFields.holdId = body.holdId;
      return placeHold(ctx.db, terminalOf(ctx).terminalId, body, ctx.now);
    },
  }),
  route({
    method: 'POST',
    url: '/v1/holds/:id/release',
    operationId: 'releaseHold',
    summary: 'Release a hold (void or abandoned sale); a closed hold is reported as it is.',
    auth: true,
    params: z.object({ id: uuidSchema }),
    bodyLimit: MAX_SMALL_BODY_BYTES,
    status: 200,
    response: holdResponseSchema,
    errors: [401, 404],
    handler: async ({ params }, ctx) => {
      ctx.logFields.holdId = params.id;
      return releaseHold(ctx.db, terminalOf(ctx).terminalId, params.id, ctx.now);
    },
  }),
  route({
    method: 'GET',
    url: '/v1/sales/:saleId',
    operationId: 'getSale',
    summary:
      "A sale of the terminal's store with its lines and the quantities refunded by any till (to refund it at another till); another store's sale is answered 404.",
    auth: true,
    params: z.object({ saleId: uuidSchema }),
    status: 200,
    response: saleResponseSchema,
    errors: [401, 404],
    handler: async ({ params }, ctx) => {
      ctx.logFields.saleId = params.saleId;
      return findSale(ctx.db, terminalOf(ctx).storeId, params.saleId);
    },
  }),
  route({
    method: 'GET',
    url: '/v1/members/:memberId/sales',
    operationId: 'getMemberSales',
    summary: "A member's sales at the terminal's store (every till), the newest first, each with its lines and refunded quantities.",
    auth: true,
    params: z.object({ memberId: uuidSchema }),
    query: memberSalesQuerySchema,
    status: 200,
    response: memberSalesResponseSchema,
    errors: [401],
    handler: async ({ params, query }, ctx) => {
      const answer = await findMemberSales(ctx.db, terminalOf(ctx).storeId, params.memberId, query);
      Object.assign(ctx.logFields, { memberId: params.memberId, sales: answer.sales.length });
      return answer;
    },
  }),
  route({
    method: 'GET',
    url: '/v1/members/search',
    operationId: 'searchMembers',
    summary:
      "Find any member of the chain by the start of their phone (any format) or of any words of their name: at most 5, the phone masked, no e-mail or birth date, whether the member is in the terminal's store. At most 30 a minute per terminal; audited (never the query).",
    auth: true,
    query: memberSearchQuerySchema,
    lookupRate: 'search',
    status: 200,
    response: memberSearchResponseSchema,
    errors: [401, 429],
    handler: async ({ query }, ctx) => {
      const { length, ...answer } = await searchMembers(ctx.db, terminalOf(ctx), query, ctx.now);
      // The query's kind and length, never its text.
      Object.assign(ctx.logFields, { kind: answer.kind, length, results: answer.members.length });
      return answer;
    },
  }),
  route({
    method: 'GET',
    url: '/v1/members/:memberId/history',
    operationId: 'getMemberHistory',
    summary:
      "A member's whole ledger on the server, the newest first, paged by `before` (the previous page's `nextBefore`): kind, points, time, the recording store's name and the entry's category; any store's terminal may read it. Audited.",
    auth: true,
    params: z.object({ memberId: uuidSchema }),
    query: memberHistoryQuerySchema,
    lookupRate: 'history',
    status: 200,
    response: memberHistoryResponseSchema,
    errors: [401, 404, 429],
    handler: async ({ params, query }, ctx) => {
      const answer = await memberHistory(ctx.db, terminalOf(ctx), params.memberId, query, ctx.now);
      Object.assign(ctx.logFields, { memberId: params.memberId, entries: answer.entries.length });
      return answer;
    },
  }),
  route({
    method: 'POST',
    url: '/v1/member-tokens',
    operationId: 'issueMemberToken',
    summary:
      "Issue a signed member QR token (for printing or a member's phone) for an active member; recorded, it expires within the programme's token lifetime, within per-member and per-terminal rates.",
    auth: true,
    body: memberTokenRequestSchema,
    bodyLimit: MAX_SMALL_BODY_BYTES,
    status: 200,
    response: memberTokenResponseSchema,
    errors: [401, 404, 409, 429],
    handler: async ({ body }, ctx) => {
      const issued = await issueMemberToken(ctx.db, body.memberId, body.ttlMs ?? null, ctx.now, {
        kind: 'terminal',
        terminalId: terminalOf(ctx).terminalId,
      });
      Object.assign(ctx.logFields, { keyId: issued.keyId, tokenId: issued.tokenId });
      return issued;
    },
  }),
];
