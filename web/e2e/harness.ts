import { mkdirSync, writeFileSync } from 'node:fs'
import type { Browser, BrowserContextOptions } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { assertClean, desktop, launch, Player } from './browser.ts'
import { Proxy } from './proxy.ts'
import { Server } from './server.ts'
import { loadEnable, type WordIndex } from './words.ts'

// What a failing test leaves behind: a picture of every page and the
// server's log. Ignored by git.
const outputDir = new URL('./.output/', import.meta.url)

/** One server, optionally a proxy in front of it, and one Chromium, for a test file. */
export interface Harness {
  server: Server
  proxy: Proxy
  browser: Browser
  words: WordIndex
  /** Opens a browser context for one player; closed after the test. */
  open(name: string, options?: BrowserContextOptions): Promise<Player>
}

/**
 * Registers the hooks of a browser test file and returns its harness.
 * After every test each page it opened is checked for uncaught errors and
 * console errors, which fail the test.
 */
export function useHarness(opts: { proxy?: boolean } = {}): Harness {
  let players: Player[] = []
  const h = {
    words: loadEnable(),
    async open(name: string, options: BrowserContextOptions = desktop) {
      const p = await Player.open(h.browser, name, options)
      players.push(p)
      return p
    },
  } as Harness

  beforeAll(async () => {
    h.server = await Server.start()
    if (opts.proxy) h.proxy = await Proxy.start(h.server.port)
    h.browser = await launch()
  })

  afterEach(async ({ task }) => {
    const opened = players
    players = []
    if (task.result?.state === 'fail') await keepEvidence(task.name, opened, h.server)
    await Promise.all(opened.map((p) => p.close().catch(() => {})))
    assertClean(opened)
  })

  afterAll(async () => {
    await h.browser?.close()
    await h.proxy?.close()
    await h.server?.stop()
  })

  return h
}

async function keepEvidence(
  test: string,
  players: Player[],
  server: Server | undefined,
): Promise<void> {
  const dir = new URL(`${test.replace(/[^A-Za-z0-9_-]+/g, '_')}/`, outputDir)
  mkdirSync(dir, { recursive: true })
  for (const p of players) {
    await p.page
      .screenshot({ path: new URL(`${p.name}.png`, dir).pathname, fullPage: true })
      .catch(() => {})
    const html = await p.page.content().catch(() => '')
    writeFileSync(new URL(`${p.name}.html`, dir), html)
  }
  if (server) writeFileSync(new URL('server.log', dir), server.log())
}
