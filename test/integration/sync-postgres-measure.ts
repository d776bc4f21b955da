/**
 * What the PostgreSQL concurrency tests report: every push's time in the
 * server (fastify's own per-request log line, from the request's arrival to
 * its answer, the turnstile's wait included), the statuses answered, and the
 * deadlocks and retries this process and any server child process saw
 * (server/store/contention.ts).
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

/** A server whose answers are measured: its captured log lines and, for a server in a child process, its own counts. */
export interface Measured {
  logs: readonly string[];
  /** A child process's deadlocks and retries; absent for a server in this process (this process's counts are always added). */
  counts?: () => Promise<ContentionCounts>;
}

export interface Measure {
  name: string;
  servers: readonly Measured[];
  counts: ContentionCounts;
  /** Each log's length when the measure began: only later requests count. */
  from: number[];
}

async function countsOf(servers: readonly Measured[]): Promise<ContentionCounts> {
  const all = [contentionCounts(), ...(await Promise.all(servers.flatMap((s) => (s.counts === undefined ? [] : [s.counts()]))))];
  return {
    deadlocks: all.reduce((n, c) => n + c.deadlocks, 0),
    serializationFailures: all.reduce((n, c) => n + c.serializationFailures, 0),
    retries: all.reduce((n, c) => n + c.retries, 0),
    exhausted: all.reduce((n, c) => n + c.exhausted, 0),
  };
}

/** Begins measuring what happens from now on in these servers. */
export async function measure(name: string, servers: readonly Measured[]): Promise<Measure> {
  return { name, servers, counts: await countsOf(servers), from: servers.map((s) => s.logs.length) };
}

/** The pushes answered by each server since the measure began. */
export function pushesSince(m: Measure): RequestTiming[][] {
  return m.servers.map((s, i) => requestTimings(s.logs.slice(m.from[i])).filter((t) => t.method === 'POST' && t.path === '/v1/events'));
}

/** The deadlocks and retries since the measure began, and the pushes and holds answered since; printed for the test's reader. */
export async function report(m: Measure): Promise<ContentionReport> {
  const now = await countsOf(m.servers);
  const timings = m.servers.flatMap((s, i) => requestTimings(s.logs.slice(m.from[i])));
  const pushes = timings.filter((t) => t.method === 'POST' && t.path === '/v1/events').map((t) => t.ms);
  const holds = timings.filter((t) => t.method === 'POST' && t.path === '/v1/holds').map((t) => t.ms);
  const sorted = [...pushes].sort((a, b) => a - b);
  const result: ContentionReport = {
    deadlocks: now.deadlocks - m.counts.deadlocks,
    serializationFailures: now.serializationFailures - m.counts.serializationFailures,
    retries: now.retries - m.counts.retries,
    exhausted: now.exhausted - m.counts.exhausted,
    pushes: pushes.length,
    pushMaxMs: Math.round(Math.max(0, ...pushes) * 10) / 10,
    pushP50Ms: Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10,
    holds: holds.length,
    holdMaxMs: Math.round(Math.max(0, ...holds) * 10) / 10,
    serverErrors: timings.filter((t) => t.status >= 500).length,
  };
  console.log(`${m.name}: ${JSON.stringify(result)}`);
  return result;
}
