import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The renderer: one build serves both hosts (Electron's app:// protocol and
 * the browser host), so every asset URL is relative and nothing is fetched
 * from outside the app. The decoder's .wasm ships as one of its files.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // The .wasm must be a file of its own (CSP allows no data: scripts), whatever its size.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    reportCompressedSize: false,
    // Two pages: the cashier's app and the customer display (renderer/customer-display/), sharing React's chunk.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./renderer/index.html', import.meta.url)),
        customer: fileURLToPath(new URL('./renderer/customer-display/index.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
});
