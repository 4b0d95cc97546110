// The browser UI's build: `npm run build` writes it to dist/web, which the server serves at `/`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.HOOKFLOW_DEV_API ?? 'http://localhost:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  // `npx vite web` during UI work: the API and hooks of a running `hookflow start`.
  server: { proxy: { '/api': api, '/hooks': api, '/oauth': api } },
});
