import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentSecurityPolicy as buildCsp } from '../host-shared/content-security-policy.ts';
import { cacheHeaders, contentTypeOf, resolveStaticPath } from '../host-shared/renderer-files.ts';

/** The built renderer over loopback HTTP (the shared path rules: main/host-shared/renderer-files.ts). */
export { resolveStaticPath };

export function contentSecurityPolicy(port: number): string {
  return buildCsp([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}

/** `urlPath` (default: the request's) names the file to serve: the host maps /customer to the customer display's page. */
export function serveStatic(root: string, port: number, req: IncomingMessage, res: ServerResponse, urlPath = req.url ?? '/'): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = resolveStaticPath(root, urlPath);
  const stat = path === null ? null : statSafe(path);
  if (path === null || stat === null || !stat.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeOf(path),
    'Content-Length': stat.size,
    'Content-Security-Policy': contentSecurityPolicy(port),
    ...cacheHeaders(path),
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
