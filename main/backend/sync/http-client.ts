/**
 * The sync protocol's HTTP client: node:http / node:https, the on-premise
 * server's CA honoured, a timeout per request, every request signed
 * (request-signer.ts: the device key, or a version-1 pairing's secret) with a fresh nonce, the typed error body parsed, and
 * every failure turned into a SyncFailure (see failure.ts). It never logs:
 * the caller logs the classified reason, never a header, a body or a secret.
 */
import http from 'node:http';
import https from 'node:https';
import type { ZodType } from 'zod';
import { syncErrorSchema } from '../../../shared/sync-protocol.ts';
import { SyncFailure } from './failure.ts';
import { authorizationFor, type RequestAuth } from './request-signer.ts';
import { INSECURE_REFUSAL, transportVerdict } from './transport-policy.ts';

export interface HttpClientOptions {
  serverUrl: string;
  caPem?: string | null;
  /** Absent for POST /v1/pair (authenticated by its code). */
  auth?: RequestAuth | null;
  timeoutMs?: number;
  /** The terminal's clock for the signature's timestamp. */
  now?: () => number;
  /** Plain http:// to a server that is not this machine (sync.allowInsecureHttp); default refused, nothing sent (transport-policy.ts). */
  allowInsecureHttp?: boolean;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once the request is written to the socket (signing is asynchronous: a request made now may leave later). */
  onSent?: () => void;
  /** Sign this request with other credentials than the client's (the device key's registration, device-key.ts). */
  auth?: RequestAuth;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Answers are bounded by the protocol (a pull page of 5000 members is a few MB). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_OSSL)/;

export class SyncHttpClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly refused: boolean;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.serverUrl);
    this.refused = transportVerdict(options.serverUrl, options.allowInsecureHttp ?? false).kind === 'refused';
    const keepAlive = { keepAlive: true, maxSockets: 4 };
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ ...keepAlive, ...(options.caPem ? { ca: options.caPem } : {}) })
        : new http.Agent(keepAlive);
  }

  async get<T>(pathWithQuery: string, schema: ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('GET', pathWithQuery, undefined, schema, options);
  }

  async post<T>(path: string, body: unknown, schema: ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('POST', path, body === undefined ? undefined : JSON.stringify(body), schema, options);
  }

  /** POST of a body already serialised as JSON text. */
  async postJson<T>(path: string, json: string, schema: ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.request('POST', path, json, schema, options);
  }

  close(): void {
    this.agent.destroy();
  }

  private async request<T>(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    body: string | undefined,
    schema: ZodType<T>,
    options: RequestOptions,
  ): Promise<T> {
    // Checked before anything is signed or sent: a refused address never sees a byte.
    if (this.refused) throw new SyncFailure('insecure', INSECURE_REFUSAL);
    // The server may live under a path prefix (a reverse proxy): the signed target is the full path sent.
    const target = this.base.pathname.replace(/\/$/, '') + pathWithQuery;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const auth = options.auth ?? this.options.auth;
    if (auth) {
      headers.authorization = await authorizationFor(auth, {
        method,
        pathWithQuery: target,
        body: body ?? '',
        ts: (this.options.now ?? Date.now)(),
      });
    }
    const { status, text, retryAfter } = await this.send(method, target, headers, body, options);
    if (status < 200 || status > 299) throw httpFailure(status, text, retryAfterMs(retryAfter, Date.now()));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyncFailure('invalid_response', 'the answer is not JSON (truncated?)', status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SyncFailure('invalid_response', 'the answer does not match the protocol', status);
    return parsed.data;
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    options: RequestOptions,
  ): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const lib = this.base.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = lib.request(
        { protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new SyncFailure('invalid_response', 'the answer is too large'));
            else chunks.push(chunk);
          });
          res.on('end', () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                retryAfter: res.headers['retry-after'],
              }),
            ),
          );
          res.on('error', (err) => finish(() => reject(toFailure(err))));
          // A connection cut mid-body ends with 'aborted'/'close' rather than 'end'.
          res.on('close', () => {
            if (!res.complete) finish(() => reject(new SyncFailure('network', 'connection closed mid-answer')));
          });
        },
      );
      const timer = setTimeout(() => {
        finish(() => reject(new SyncFailure('timeout', `no answer within ${timeoutMs} ms`)));
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(() => reject(new SyncFailure('aborted', 'request abandoned')));
        req.destroy();
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(() => reject(toFailure(err))));
      if (options.onSent) req.on('finish', options.onSent);
      req.end(body);
    });
  }
}

function httpFailure(status: number, text: string, retryAfter: number | null): SyncFailure {
  try {
    const parsed = syncErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success)
      return new SyncFailure('http', parsed.data.message, status, parsed.data.code, parsed.data.details ?? null, retryAfter);
  } catch {
    // not JSON: a proxy's page, or cut short
  }
  return new SyncFailure('http', `HTTP ${status}`, status, null, null, retryAfter);
}

/** Retry-After as ms from now: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month ("Sat, 14 Mar 2026 10:02:00 GMT"); a bare "-5" is not one.
  const at = /[A-Za-z]/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function toFailure(err: unknown): SyncFailure {
  if (err instanceof SyncFailure) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  if (TLS_CODES.test(code)) return new SyncFailure('tls', code);
  return new SyncFailure('network', code || 'connection failed');
}
