/**
 * What the PostgreSQL concurrency tests report: every push's time in the
 * server (fastify's own per-request log line, from the request's arrival to
 * its answer, the turnstile's wait included), the statuses answered, and the
 * deadlocks and retries this process saw (server/store/contention.ts).
 */
import { contentionCounts, type ContentionCounts } from '../../server/store/contention.ts';

export interface RequestTiming {
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** Every completed request in a server's captured log lines, in the order they finished. */
export function requestTimings(logs: readonly string[]): RequestTiming[] {
  const started = new Map<string, { method: string; path: string }>();
  const timings: RequestTiming[] = [];
  for (const line of logs) {
    const entry = JSON.parse(line) as {
      msg?: string;
      reqId?: string;
      req?: { method: string; path: string };
      res?: { statusCode: number };
      responseTime?: number;
    };
    if (entry.reqId === undefined) continue;
    if (entry.msg === 'incoming request' && entry.req !== undefined) started.set(entry.reqId, entry.req);
    if (entry.msg === 'request completed' && entry.res !== undefined && entry.responseTime !== undefined) {
      const req = started.get(entry.reqId);
      if (req !== undefined) timings.push({ method: req.method, path: req.path, status: entry.res.statusCode, ms: entry.responseTime });
    }
  }
  return timings;
}

export interface ContentionReport extends ContentionCounts {
  pushes: number;
  pushMaxMs: number;
  pushP50Ms: number;
  holds: number;
  holdMaxMs: number;
  /** Answers with a 5xx status, any route. */
  serverErrors: number;
}

/** The deadlocks and retries since `before`, and the pushes and holds in `logs`; printed for the test's reader. */
export function report(name: string, before: ContentionCounts, logs: readonly string[][]): ContentionReport {
  const now = contentionCounts();
  const timings = logs.flatMap((l) => requestTimings(l));
  const pushes = timings.filter((t) => t.method === 'POST' && t.path === '/v1/events').map((t) => t.ms);
  const holds = timings.filter((t) => t.method === 'POST' && t.path === '/v1/holds').map((t) => t.ms);
  const sorted = [...pushes].sort((a, b) => a - b);
  const result: ContentionReport = {
    deadlocks: now.deadlocks - before.deadlocks,
    serializationFailures: now.serializationFailures - before.serializationFailures,
    retries: now.retries - before.retries,
    exhausted: now.exhausted - before.exhausted,
    pushes: pushes.length,
    pushMaxMs: Math.round(Math.max(0, ...pushes) * 10) / 10,
    pushP50Ms: Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10,
    holds: holds.length,
    holdMaxMs: Math.round(Math.max(0, ...holds) * 10) / 10,
    serverErrors: timings.filter((t) => t.status >= 500).length,
  };
  console.log(`${name}: ${JSON.stringify(result)}`);
  return result;
}
