/**
 * What keeps one address or one till from taking the server down: request
 * rates per client address on every route (pairing much stricter: it is the
 * one route a stranger can call, and each call spends a guess at a code), a
 * rate per terminal on the signed routes, counted only after the signature
 * held (a forger cannot spend another till's budget), and time limits on
 * reading a request (a client that never finishes its body is cut off).
 * Body limits per route are in the route table (route-table.ts, `bodyLimit`).
 *
 * The defaults never slow a normal till: a till draining a 100,000-event
 * backlog sends 200 pushes of 500 and a few hundred pull pages, well under
 * its per-terminal budget; a store's tills behind one NAT address share the
 * per-address budget, which is several times that.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

export interface AbuseLimits {
  /** The window every rate below counts in (fixed windows), ms. */
  windowMs: number;
  /** Requests per window from one client address, every route but pairing. */
  perAddress: number;
  /** POST /v1/pair per window from one client address. */
  pairPerAddress: number;
  /** Signed requests per window from one terminal (counted after its signature is verified). */
  perTerminal: number;
  /** Online member searches (GET /v1/members/search) per window from one terminal: a till searches a few members a minute, a scraper thousands. */
  searchPerTerminal: number;
  /** Member history reads (GET /v1/members/:id/history) per window from one terminal. */
  historyPerTerminal: number;
  /** The whole request (headers and body) must arrive within this, ms; else 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** A connection with no traffic at all for this long is closed, ms. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this, ms. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  windowMs: 60_000,
  perAddress: 6_000,
  pairPerAddress: 10,
  perTerminal: 3_000,
  searchPerTerminal: 30,
  historyPerTerminal: 60,
  requestTimeoutMs: 60_000,
  connectionTimeoutMs: 120_000,
  keepAliveTimeoutMs: 72_000,
};

/** The limits with the given settings over the defaults; a setting that is not a positive integer is refused. */
export function abuseLimits(settings: Partial<AbuseLimits> = {}): AbuseLimits {
  const limits = { ...DEFAULT_ABUSE_LIMITS };
  for (const [key, value] of Object.entries(settings) as [keyof AbuseLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`limits.${key} must be a positive whole number (got ${value}).`);
    limits[key] = value;
  }
  return limits;
}

/** The fastify server options that bound how long a request may take to arrive. */
export function timeoutOptions(limits: AbuseLimits): {
  connectionTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  /** For node's server itself: how often it checks for overdue requests (its default, 30 s, would let a slow client hold a socket that long past its limit), and the headers' own limit, which must not exceed the request's or node never applies the latter. */
  node: { connectionsCheckingInterval: number; headersTimeout: number; requestTimeout: number };
} {
  return {
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    node: {
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(limits.requestTimeoutMs / 4))),
      headersTimeout: Math.min(60_000, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
    },
  };
}

export type LimitedBy = 'address' | 'pairing' | 'terminal';

export function rateLimited(limitedBy: LimitedBy, retryAfterSeconds: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const what = {
    address: 'Too many requests from this address',
    pairing: 'Too many pairing attempts from this address',
    terminal: 'Too many requests from this terminal',
  }[limitedBy];
  return new HttpError(
    429,
    'RATE_LIMITED',
    `${what}. Nothing was applied; try again in ${seconds} s.`,
    { limitedBy, retryAfterSeconds: seconds },
    { 'retry-after': String(seconds) },
  );
}

/** Route config that gives POST /v1/pair its own, stricter per-address rate. */
export function pairingRateConfig(limits: AbuseLimits): { rateLimit: { max: number; timeWindow: number } } {
  return { rateLimit: { max: limits.pairPerAddress, timeWindow: limits.windowMs } };
}

/** A route's own per-terminal budget on top of the shared one (route-table.ts `lookupRate`). */
export type LookupBudget = 'search' | 'history';

export type TerminalRateCheck = (req: FastifyRequest, terminalId: string, lookup?: LookupBudget) => Promise<void>;

/**
 * Registers the per-address limit on every route and on unknown paths (before the body is read:
 * a flood costs no parsing and no database work) and returns the per-terminal
 * check `handle` calls once a signature is verified. Registered before the
 * routes, so its onRoute hook sees them all.
 */
export function installAbuseLimits(app: FastifyInstance, limits: AbuseLimits): TerminalRateCheck {
  const terminalOf = new WeakMap<FastifyRequest, string>();
  void app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: limits.perAddress,
    timeWindow: limits.windowMs,
    // req.ip is the socket's address, or X-Forwarded-For's when fastify's trustProxy names the proxy.
    errorResponseBuilder: (req, context) => rateLimited(req.routeOptions.config.rateLimit ? 'pairing' : 'address', context.ttl / 1000),
  });
  // A path no route matches is counted against the same per-address budget (a scan of made-up paths is a flood too).
  let unmatched: ReturnType<FastifyInstance['createRateLimit']> | null = null;
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url !== undefined) return; // a route: its own hook counts it
    unmatched ??= app.createRateLimit();
    const outcome = await unmatched(req);
    if (!outcome.isAllowed && outcome.isExceeded) throw rateLimited('address', outcome.ttlInSeconds);
  });
  let perTerminal: ReturnType<FastifyInstance['createRateLimit']> | null = null;
  const perLookup = new Map<LookupBudget, ReturnType<FastifyInstance['createRateLimit']>>();
  const lookupMax: Record<LookupBudget, number> = { search: limits.searchPerTerminal, history: limits.historyPerTerminal };
  return async (req, terminalId, lookup) => {
    perTerminal ??= app.createRateLimit({
      max: limits.perTerminal,
      timeWindow: limits.windowMs,
      keyGenerator: (r) => `terminal:${terminalOf.get(r) ?? ''}`,
    });
    terminalOf.set(req, terminalId);
    const outcome = await perTerminal(req);
    if (!outcome.isAllowed && outcome.isExceeded) throw rateLimited('terminal', outcome.ttlInSeconds);
    if (lookup === undefined) return;
    let check = perLookup.get(lookup);
    if (check === undefined) {
      check = app.createRateLimit({
        max: lookupMax[lookup],
        timeWindow: limits.windowMs,
        keyGenerator: (r) => `${lookup}:${terminalOf.get(r) ?? ''}`,
      });
      perLookup.set(lookup, check);
    }
    const looked = await check(req);
    if (!looked.isAllowed && looked.isExceeded) throw rateLimited('terminal', looked.ttlInSeconds);
  };
}
