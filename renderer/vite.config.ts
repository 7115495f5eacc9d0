import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page is served under a strict CSP (script-src 'self'; no remote content) from either the
// browser bridge or Electron's custom protocol, so the bundle must be self-contained: relative
// asset URLs, no inline scripts, and no assets turned into data: URIs.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'chrome120',
    // One offline bundle read from local disk: its size costs no network time.
    chunkSizeWarningLimit: 2000,
  },
});
