import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Browser tests drive one real server and one Chromium per file. Files
// run one at a time, so that rounds on the wall clock never compete for
// the processor with another file's browser.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../node_modules/.vite/e2e', import.meta.url)),
  test: {
    include: ['*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    reporters: ['verbose'],
  },
})
