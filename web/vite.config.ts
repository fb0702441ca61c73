import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is built into dist/web of the package, beside the compiled server, which serves it; every asset
 * comes from the API process (no CDN), named by its content hash.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite web` during development: the API (rampart up) on its default port behind the same origin.
    proxy: { '/v1': { target: 'http://127.0.0.1:7300', changeOrigin: false } },
  },
});
