import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console: built into web/dist, which the server serves at `/`.
// In development `npm run dev` proxies the API to a server on :8080.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
