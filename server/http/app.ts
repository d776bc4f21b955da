/**
 * The HTTP server: fastify with routes registered from the route table. Every
 * request body is read raw (its exact bytes are signed), authenticated before
 * it is parsed, then parsed as JSON and validated with zod. Every failure
 * answers `{code, message, details?}` with a 4xx/5xx status; nothing is
 * applied before authentication and validation succeed. Rates per address
 * (before the body is read) and per terminal (after its signature holds),
 * body limits per route and request timeouts: abuse-limits.ts.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { MAX_BODY_BYTES, type SyncError } from '../../shared/sync-protocol.ts';
import type { ProtocolPolicy } from '../auth/protocol-window.ts';
import { verifyRequest } from '../auth/verify-request.ts';
import type { Db } from '../store/db.ts';
import {
  abuseLimits,
  installAbuseLimits,
  pairingRateConfig,
  timeoutOptions,
  type AbuseLimits,
  type TerminalRateCheck,
} from './abuse-limits.ts';
import { HttpError, notFound } from './errors.ts';
import { loggerOptions, type LogOptions } from './logging.ts';
import { ROUTES, type RouteContext, type RouteDef } from './route-table.ts';
import { RawJson } from './raw-json.ts';

export interface AppOptions {
  db: Db;
  log?: LogOptions | false;
  clock?: () => number;
  /** Protocol version 1 (HMAC) transition window (auth/protocol-window.ts); absent: 90 days after version 2 first ran here. */
  protocol?: ProtocolPolicy;
  /** Rates and time limits (abuse-limits.ts); each absent one has its default. */
  limits?: Partial<AbuseLimits>;
  /**
   * Behind a reverse proxy: the proxy's addresses or CIDRs (fastify's trustProxy), so the
   * per-address limits count the client in X-Forwarded-For. Absent: the socket's address
   * counts and X-Forwarded-For is ignored (anyone could write it).
   */
  trustProxy?: string | string[];
  /** Serve HTTPS with this certificate chain and key (PEM). Absent: plain HTTP (loopback or behind a proxy). */
  https?: { cert: string | Buffer; key: string | Buffer };
}

const ROUTES_SEEN = new WeakMap<FastifyInstance, readonly string[]>();

/** Every "METHOD /path" fastify registered (HEAD aside): the OpenAPI test compares them with the document. */
export function registeredRoutes(app: FastifyInstance): readonly string[] {
  return ROUTES_SEEN.get(app) ?? [];
}

export function buildApp(options: AppOptions): FastifyInstance {
  const clock = options.clock ?? Date.now;
  const limits = abuseLimits(options.limits);
  const { node, ...timeouts } = timeoutOptions(limits);
  const app = Fastify({
    logger: loggerOptions(options.log),
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
    ...timeouts,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    ...(options.https === undefined ? { http: node } : { https: { ...options.https, ...node } }),
  }) as unknown as FastifyInstance;
  const checkTerminalRate = installAbuseLimits(app, limits);

  // Keep the exact bytes: the signature covers them, and they are parsed only after it holds.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${r.url}`);
  });
  ROUTES_SEEN.set(app, routes);
  // Inside a plugin registered after the rate limits: fastify adds these routes once that plugin has loaded, so its hooks see them.
  void app.register(async (scope) => {
    for (const def of ROUTES) {
      scope.route({
        method: def.method,
        url: def.url,
        bodyLimit: def.bodyLimit ?? MAX_BODY_BYTES,
        ...(def.operationId === 'pair' ? { config: pairingRateConfig(limits) } : {}),
        handler: (req, reply) => handle(def, req, reply, options.db, clock, checkTerminalRate, options.protocol ?? {}),
      });
    }
  });

  app.setNotFoundHandler((req, reply) => {
    void sendError(reply, notFound(`No route ${req.method} ${req.url.split('?')[0]}.`));
  });
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = req.routeOptions.bodyLimit ?? MAX_BODY_BYTES;
      return sendError(
        reply,
        new HttpError(
          413,
          'PAYLOAD_TOO_LARGE',
          `The body is larger than ${limit} bytes${limit === MAX_BODY_BYTES ? '. Send smaller batches' : ''}.`,
          {
            limit,
          },
        ),
      );
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(reply, new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, new HttpError(400, 'VALIDATION', 'The request could not be read.', { fastifyCode: err.code }));
    }
    // The error object is logged by type and code only (logging.ts): a database error's message may quote personal data.
    req.log.error({ err }, 'request failed');
    return sendError(reply, new HttpError(500, 'INTERNAL', 'The server failed to handle this request. Nothing was applied; try again.'));
  });
  return app;
}

async function handle(
  def: RouteDef,
  req: FastifyRequest,
  reply: FastifyReply,
  db: Db,
  clock: () => number,
  checkTerminalRate: TerminalRateCheck,
  protocol: ProtocolPolicy,
): Promise<void> {
  const now = clock();
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const ctx: RouteContext = { db, now, terminal: null, logFields: {}, protocol };
  if (def.auth) {
    ctx.terminal = await verifyRequest(
      db,
      { method: req.method, pathWithQuery: req.url, authorization: req.headers.authorization, body: raw },
      now,
      protocol,
    );
    ctx.logFields.terminalId = ctx.terminal.terminalId;
    ctx.logFields.protocolVersion = ctx.terminal.protocolVersion;
    // Counted only now: a request that is not this terminal's cannot spend its budget.
    await checkTerminalRate(req, ctx.terminal.terminalId, def.lookupRate);
  }
  const body = def.body === undefined ? undefined : validate(def.body, parseJson(raw), 'body');
  const query = def.query === undefined ? undefined : validate(def.query, req.query, 'query');
  const params = def.params === undefined ? undefined : validate(def.params, req.params, 'path');
  const result = await def.handler({ body, query, params }, ctx);
  req.log.info({ route: def.operationId, ...ctx.logFields }, 'handled');
  if (result instanceof RawJson) await reply.code(def.status).type('application/json; charset=utf-8').send(result.text);
  else await reply.code(def.status).send(result);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0)
    throw new HttpError(400, 'VALIDATION', 'A JSON body is required.', { issues: [{ path: [], message: 'missing body' }] });
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'VALIDATION', 'The body is not valid JSON.', { issues: [{ path: [], message: 'malformed JSON' }] });
  }
}

function validate<T>(schema: ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Issue paths and messages only: zod's `input` would echo submitted values (personal data) back and into logs.
  const issues = parsed.error.issues
    .slice(0, 50)
    .map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), code: i.code, message: i.message }));
  throw new HttpError(400, 'VALIDATION', `The request ${where} is invalid: ${issues.length} problem(s).`, { where, issues });
}

function sendError(reply: FastifyReply, err: HttpError): FastifyReply {
  const body: SyncError =
    err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  if (err.headers !== undefined) void reply.headers(err.headers);
  return reply.code(err.status).send(body);
}
