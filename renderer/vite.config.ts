/**
 * Builds the dashboard into `dist/renderer/`. `base: './'` makes every asset URL relative, so the
 * same build loads from the Electron `app://` protocol and from `portico serve`. Vite emits CSS
 * as files and no inline script, which the page's CSP (`script-src 'self'; style-src 'self'`) needs.
 *
 * Build: `npx vite build --config renderer/vite.config.ts`
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Vite defines import.meta.dirname while bundling its config: the root is this folder wherever the command runs.
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 45 is Chromium 142; browsers that run the dashboard are current.
    target: 'es2022',
  },
});
