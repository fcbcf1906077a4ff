import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Page,
} from 'playwright-core'

export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } }

export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/156.0.0.0 Mobile Safari/537.36',
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    headless: true,
  })
}

// What Chromium itself logs when a connection fails; expected only while a
// test has cut the network on purpose.
const networkFailure =
  /net::ERR_|WebSocket connection to .* failed|Failed to load resource|Failed to fetch|NetworkError/i

/**
 * A browser context for one player. Every uncaught page error and console
 * error is kept; a test fails on them in assertClean.
 */
export class Player {
  readonly errors: string[] = []
  private offline = false

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (err) =>
      this.errors.push(`[${name}] page error: ${err.stack ?? err.message}`),
    )
    page.on('console', (msg) => this.console(msg))
  }

  static async open(browser: Browser, name: string, options: BrowserContextOptions = desktop) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    return new Player(name, context, page)
  }

  private console(msg: ConsoleMessage): void {
    if (msg.type() !== 'error') return
    const text = msg.text()
    if (this.offline && networkFailure.test(text)) return
    const loc = msg.location()
    this.errors.push(`[${this.name}] console error: ${text} (${loc.url}:${loc.lineNumber})`)
  }

  /** While true, console errors about failed connections are expected and not kept. */
  expectNetworkErrors(on: boolean): void {
    this.offline = on
  }

  close(): Promise<void> {
    return this.context.close()
  }
}

/** Throws if any player saw a page error or a console error. */
export function assertClean(players: Player[]): void {
  const errors = players.flatMap((p) => p.errors)
  if (errors.length > 0) throw new Error(`errors in the page:\n${errors.join('\n')}`)
}
