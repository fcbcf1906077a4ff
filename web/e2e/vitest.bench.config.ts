import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Benchmarks that drive the real server and Chromium and print figures
// instead of passing or failing on them; `npm run bench:page` runs them,
// `npm run test:e2e` does not.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../node_modules/.vite/e2e', import.meta.url)),
  test: {
    include: ['bench/*.ts'],
    environment: 'node',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    reporters: ['verbose'],
  },
})
