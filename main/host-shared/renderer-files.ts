import { extname, join, normalize, resolve, sep } from 'node:path';

/**
 * The built renderer as both hosts serve it (the browser host over HTTP, the
 * Electron shell over app://): read-only, from one folder, no directory
 * listings, no dotfiles, nothing outside the folder however the path is spelled.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path)] ?? 'application/octet-stream';
}

/** The file under `root` a URL path names, or null when it would leave the folder or is not servable. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((part) => part.startsWith('.'))) return null;
  const base = resolve(root);
  const full = normalize(join(base, relative));
  if (!full.startsWith(base + sep)) return null;
  return full;
}

/** Headers every served file carries besides its type and CSP. */
export function cacheHeaders(path: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Hashed asset names change with every build; index.html must never be stale.
    'Cache-Control': path.endsWith('index.html') ? 'no-store' : 'max-age=31536000, immutable',
  };
}
