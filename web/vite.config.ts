/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The portal serves the API, /ws and /dev on the same origin; in `npm run dev` they are proxied
// to a portal started with `portal serve --port 3100`.
const portal = process.env.PORTAL_URL ?? 'http://localhost:3100';

export default defineConfig({
  plugins: [preact()],
  build: {
    manifest: true,
    target: 'es2020',
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': { target: portal, changeOrigin: false },
      '/ws': { target: portal, ws: true, changeOrigin: false },
      '/dev': { target: portal, changeOrigin: false },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test-setup.ts'],
  },
});
