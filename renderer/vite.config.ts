import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

// The page is served under a strict CSP (script-src 'self'; no remote content) from either the
// browser bridge or Electron's custom protocol, so the bundle must be self-contained: relative
// asset URLs, no inline scripts, and no assets turned into data: URIs.
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    target: 'chrome120',
  },
});
