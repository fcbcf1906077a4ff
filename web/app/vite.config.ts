import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The dev server passes the API and the WebSockets on to a running
// `wordwalls run`; WW_BACKEND names it.
const backend = process.env.WW_BACKEND ?? 'http://127.0.0.1:8080'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../webui/dist/app', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/ws': {
        target: backend,
        ws: true,
        changeOrigin: true,
        // The bridge takes only its own origin; the page is served from
        // the dev server's.
        configure: (proxy) => {
          proxy.on('proxyReqWs', (req) => req.setHeader('Origin', backend))
        },
      },
    },
  },
})
