/**
 * The renderer's Content-Security-Policy, one builder for both hosts: only
 * what the app itself serves; `connectSrc` adds the transport (the browser
 * host's loopback WebSocket; nothing under Electron, whose MessagePort needs none).
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // The decoder is WebAssembly: compiling it needs this, and nothing else does.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
