import { api, type Method, type Request, type Response } from '../../shared/api.ts';
import { AppError, type ErrorPayload } from '../../shared/errors.ts';
import type { Backend, CallContext } from './context.ts';
import { handlers } from './handlers.ts';
import { hasRole } from './staff/sessions.ts';
import { corruptError } from './store/connection.ts';

export interface DispatchOptions {
  /** Check every answer against the contract too (tests); in production a bad answer must not hide a committed sale. */
  validateOutput?: boolean;
}

/**
 * The message loop's core, the same under every transport: validate the
 * envelope and the input, check who is calling, run the command, and turn
 * any failure into `{code, message, details}` (never a stack trace). A
 * synchronous command is answered synchronously; one that waits on the
 * central server (holds, pairing, sync.now) is answered with a promise.
 */
export function createDispatcher(backend: Backend, options: DispatchOptions = {}): (request: Request) => Response | Promise<Response> {
  return (request) => {
    const id = typeof request?.id === 'number' ? request.id : -1;
    const started = performance.now();
    const method = request?.method;
    const succeed = (result: unknown): Response => {
      backend.log.log('debug', 'call', { method, ms: round(performance.now() - started) });
      // A command declared to write the outbox (shared/api.ts): the sync engine pushes soon.
      if (api[method as Method].writes === 'outbox') backend.sync.notifyOutbox();
      return { id, ok: true, result };
    };
    const fail = (error: unknown): Response => {
      const payload = toPayload(backend, error);
      backend.log.log(payload.code === 'INTERNAL' ? 'error' : 'info', 'call.failed', {
        method: typeof method === 'string' ? method.slice(0, 64) : null,
        code: payload.code,
        ms: round(performance.now() - started),
        ...(payload.code === 'INTERNAL' && error instanceof Error ? { error: error.message, stack: error.stack } : {}),
      });
      return { id, ok: false, error: payload };
    };
    try {
      if (typeof method !== 'string' || !Object.hasOwn(api, method)) {
        throw new AppError('VALIDATION', `Unknown command ${String(method).slice(0, 64)}.`);
      }
      const result = run(backend, method as Method, request, options);
      return result instanceof Promise ? result.then(succeed, fail) : succeed(result);
    } catch (error) {
      return fail(error);
    }
  };
}

function run(backend: Backend, method: Method, request: Request, options: DispatchOptions): unknown {
  const spec = api[method];
  const parsed = spec.input.safeParse(request.input ?? {});
  if (!parsed.success) {
    throw new AppError('VALIDATION', 'Some of the information is missing or not valid.', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const token = typeof request.token === 'string' ? request.token : null;
  const ctx: CallContext = { ...backend, staff: null, token };
  if (spec.role !== null) {
    const staff = backend.sessions.touch(token, backend.clock.now());
    if (!staff) throw new AppError('UNAUTHENTICATED', 'Please sign in again.');
    if (!hasRole(staff, spec.role)) throw new AppError('FORBIDDEN', `This needs a ${spec.role}.`, { role: spec.role });
    ctx.staff = staff;
  }
  const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
  const result = handler(parsed.data, ctx);
  if (result instanceof Promise) return result.then((r: unknown) => (options.validateOutput ? spec.output.parse(r) : r));
  return options.validateOutput ? spec.output.parse(result) : result;
}

function toPayload(backend: Backend, error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return corruptError(backend.store.path, [(error as Error).message]).toPayload();
  }
  if (code === 'SQLITE_BUSY') {
    return { code: 'INTERNAL', message: 'The database is busy. Nothing was saved: try again.' };
  }
  return { code: 'INTERNAL', message: 'Something went wrong and nothing was saved. Try again; if it keeps happening, call IT.' };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * For callers that drive synchronous commands (tests, benchmarks, the crash
 * child): the answer itself, or a thrown error if the command was one that
 * answers asynchronously and must be awaited.
 */
export function syncResponse(response: Response | Promise<Response>): Response {
  if (response instanceof Promise) throw new Error('this command answers asynchronously: await the dispatcher');
  return response;
}

/** The dispatcher for callers that send only synchronous commands: answers are never promises. */
export function createSyncDispatcher(backend: Backend, options: DispatchOptions = {}): (request: Request) => Response {
  const dispatch = createDispatcher(backend, options);
  return (request) => syncResponse(dispatch(request));
}
