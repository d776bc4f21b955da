import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentSecurityPolicy } from '../host-shared/content-security-policy.ts';
import { cacheHeaders, contentTypeOf, resolveStaticPath } from '../host-shared/renderer-files.ts';
import { APP_ORIGIN, APP_SCHEME } from './app-origin.ts';

/**
 * app://terminal/… serves the built renderer (same path rules as the browser
 * host: no traversal, however encoded, no dotfiles, nothing outside the
 * folder). Every answer, errors included, carries the CSP. Under Electron the
 * renderer talks to its backend over a MessagePort, so connect-src needs nothing more.
 */
export const APP_CSP = contentSecurityPolicy();

/** Must run before the app is ready: standard (relative URLs, origin), secure (like https), fetch for the .wasm. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

export type ReadFile = (path: string) => Promise<Buffer>;

export async function appResponse(rootDir: string, request: { url: string; method: string }, read: ReadFile = readFile): Promise<Response> {
  const base = { 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff' };
  const notFound = () => new Response('Not found', { status: 404, headers: { ...base, 'Content-Type': 'text/plain; charset=utf-8' } });
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return new Response(null, { status: 405, headers: { ...base, Allow: 'GET, HEAD' } });
  // The raw path, before any URL normalisation: the path check must see what was asked for.
  const prefix = `${APP_ORIGIN}/`;
  if (!request.url.toLowerCase().startsWith(prefix)) return notFound();
  const path = resolveStaticPath(rootDir, '/' + request.url.slice(prefix.length));
  if (path === null) return notFound();
  let body: Buffer;
  try {
    body = await read(path);
  } catch {
    return notFound(); // missing, a directory, unreadable: all the same to a page
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...base, 'Content-Type': contentTypeOf(path), ...cacheHeaders(path) },
  });
}

export function installAppProtocol(protocol: Pick<Protocol, 'handle'>, rootDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rootDir, request));
}
