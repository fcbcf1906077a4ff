import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import type { Player } from '../browser.ts'
import { useHarness } from '../harness.ts'
import {
  createFromLobby,
  eventually,
  guessBox,
  joinByLink,
  readWall,
  solvedByTile,
  waitConnected,
  waitForWall,
} from '../table-page.ts'
import { createTable, issueToken, WireClient, type Solve } from '../wire.ts'
import type { WordIndex } from '../words.ts'

// How long a correct guess takes to reach the other player: first between
// two bare protocol clients in this process, then between two Chromium
// pages, from the Enter key to the word in the other page's DOM. The two
// modes take turns in blocks, so that whatever else the machine is doing
// falls on both.

const h = useHarness()

const questions = 100
const counted = 60 // guesses per mode that count
const warmup = 5 // guesses per mode before those, not counted
const block = 10 // guesses in a row before the other mode's turn
const pauseMs = 150 // between guesses, below the bridge's 10 commands a second
const waitMs = 15_000 // for one guess to be seen; longer fails the run

const outputFile = new URL('../.output/page-latency.json', import.meta.url)

/** Times of one guess, in ms from the guess leaving the guesser (sent, or Enter in the page). */
interface Sample {
  word: string
  own: number // the guesser sees it solved
  other: number // the other player sees it solved
}

/** One guess between two pages; keyDispatch is Node's key press to the page's keydown. */
interface PageSample extends Sample {
  ownTile: number // the guesser's page shows the word under its tile
  keyDispatch: number
}

interface Stats {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}

test('page_latency', { timeout: 600_000 }, async () => {
  const started = new Date().toISOString()
  const load = loadavg()
  const wire = await wireTable()
  const pages = await pageTable()
  const wireWords = guessOrder(
    wire.a.wall.map((t) => t.alphagram),
    h.words,
  )
  const pageWords = guessOrder(pages.alphagrams, h.words)
  expect(wireWords.length).toBeGreaterThanOrEqual(warmup + counted)
  expect(pageWords.length).toBeGreaterThanOrEqual(warmup + counted)

  const wireSamples: Sample[] = []
  const pageSamples: PageSample[] = []
  const runWire = async (n: number) => {
    for (let i = 0; i < n; i++) {
      wireSamples.push(await wireGuess(wire.a, wire.b, wireWords[wireSamples.length]))
      await sleep(pauseMs)
    }
  }
  const runPage = async (n: number) => {
    for (let i = 0; i < n; i++) {
      pageSamples.push(await pageGuess(pages.a, pages.b, pageWords[pageSamples.length]))
      await sleep(pauseMs)
    }
  }

  await runWire(warmup)
  await runPage(warmup)
  for (let done = 0; done < counted; done += block) {
    await runWire(block)
    await runPage(block)
  }

  // Every guess reached both sides once.
  for (const c of [wire.a, wire.b]) {
    for (const s of wireSamples) expect(solvedMessages(c, s.word), `solved ${s.word}`).toBe(1)
  }
  const guessed = pageSamples.map((s) => s.word)
  for (const p of [pages.a, pages.b]) await showsOnce(p, guessed)
  wire.a.close()
  wire.b.close()

  const w = wireSamples.slice(warmup)
  const p = pageSamples.slice(warmup)
  const series = {
    wireOwn: stats(w.map((s) => s.own)),
    wireOther: stats(w.map((s) => s.other)),
    pageOwn: stats(p.map((s) => s.own)),
    pageOwnTile: stats(p.map((s) => s.ownTile)),
    pageOther: stats(p.map((s) => s.other)),
    keyDispatch: stats(p.map((s) => s.keyDispatch)),
  }
  const ratios = {
    ownP50: series.pageOwn.p50 / series.wireOwn.p50,
    ownP90: series.pageOwn.p90 / series.wireOwn.p90,
    otherP50: series.pageOther.p50 / series.wireOther.p50,
    otherP90: series.pageOther.p90 / series.wireOther.p90,
  }
  const report = {
    commit: commit(),
    started,
    loadAverageAtStart: load,
    loadAverageAtEnd: loadavg(),
    settings: { length: 7, questions, counted, warmup, block, pauseMs },
    series,
    ratios,
    samples: { wire: wireSamples, page: pageSamples },
  }
  mkdirSync(new URL('.', outputFile), { recursive: true })
  writeFileSync(outputFile, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(markdown(series, ratios, load))
})

// The protocol clients.

/** A table with a running round and two seats over bare WebSockets: a (the host) and b. */
async function wireTable(): Promise<{ a: WireClient; b: WireClient }> {
  const made = await createTable(h.server.origin, {
    length: 7,
    prob_min: 1,
    prob_max: questions,
    questions_per_round: questions,
    time_limit: 3600,
    public: false,
    player: 'A',
  })
  const a = await WireClient.connect(h.server.origin, made.table, made.token)
  const seat = await issueToken(h.server.origin, made.table, 'B')
  const b = await WireClient.connect(h.server.origin, made.table, seat.token)
  await a.startRound()
  await b.waitFor(() => b.phase === 'running' && b.round === a.round)
  return { a, b }
}

/** Sends word from a and times its solved event at a and at b, by this process's clock. */
async function wireGuess(a: WireClient, b: WireClient, word: string): Promise<Sample> {
  const atA = whenSolved(a, word)
  const atB = whenSolved(b, word)
  const t0 = performance.now()
  const reply = await a.guess(word)
  if (reply.type !== 'ack') throw new Error(`guess ${word}: ${reply.type} ${reply.code}`)
  const [own, other] = await Promise.all([atA, atB])
  return { word, own: own - t0, other: other - t0 }
}

/** Resolves with the time c applied the solve of word. */
function whenSolved(c: WireClient, word: string): Promise<number> {
  let at = 0
  const seen = () => {
    if (!c.solves.some((s) => s.word === word)) return false
    at = performance.now()
    return true
  }
  return c.waitFor(seen, waitMs).then(() => at)
}

/** How many solved events for word c received, duplicates included. */
function solvedMessages(c: WireClient, word: string): number {
  return c.messages.filter((m) => m.type === 'solved' && (m.solve as Solve).word === word).length
}

// The pages.

interface PageTable {
  a: Player
  b: Player
  alphagrams: string[]
}

/** Ana makes a table in the lobby, Bo joins by its link, and Ana starts a round. */
async function pageTable(): Promise<PageTable> {
  const a = await h.open('ana')
  const b = await h.open('bo')
  await a.page.goto(`${h.server.origin}/`)
  const table = await createFromLobby(a.page, 'Ana', {
    length: 7,
    probMin: 1,
    probMax: questions,
    questions,
    timeLimit: 3600,
    public: false,
  })
  await waitConnected(a.page)
  await joinByLink(b.page, `${h.server.origin}/t/${table}`, 'Bo')
  await a.page.getByRole('button', { name: 'Start' }).click()
  const wall = await waitForWall(a.page, questions)
  const wallB = await waitForWall(b.page, questions)
  const alphagrams = wall.map((t) => t.alphagram)
  expect(wallB.map((t) => t.alphagram)).toEqual(alphagrams)
  await Promise.all([watch(a.page), watch(b.page)])
  return { a, b, alphagrams }
}

/** The times one page noted for the word it was told to look for, by its Date.now(). */
interface Marks {
  keydown?: number // Enter reached the page (window, capture phase)
  result?: number // the guess result shows the word as correct
  tile?: number // the word is under its tile
}

// What watch leaves on the page's window.
interface Watcher {
  want: string
  marks: Record<string, Marks>
  ready: Promise<Marks>
  expect(word: string, needs: (keyof Marks)[]): void
}

/**
 * Sets up the page to time what it shows: a keydown listener ahead of the
 * page's own, and a MutationObserver that notes when the wanted word first
 * appears as a correct verdict or under a tile. Times are taken first
 * thing in each callback, before looking at what changed.
 */
function watch(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { latency: Watcher }
    let needs: (keyof Marks)[] = []
    let resolve = (_: Marks) => {}
    const marks: Record<string, Marks> = {}
    const note = (key: keyof Marks, at: number) => {
      const m = (marks[w.latency.want] ??= {})
      if (m[key] !== undefined) return
      m[key] = at
      if (needs.every((k) => m[k] !== undefined)) resolve(m)
    }
    w.latency = {
      want: '',
      marks,
      ready: Promise.resolve({}),
      expect(word, keys) {
        this.want = word
        needs = keys
        this.ready = new Promise((r) => (resolve = r))
      },
    }

    const tokens = (el: Element) => (el.textContent ?? '').split(/[^A-Za-z]+/)
    const look = (el: Element | null, at: number) => {
      const want = w.latency.want
      if (!el || !want) return
      const result = el.closest('[data-testid="guess-result"]')
      if (result && new RegExp(`\\b${want} correct\\b`).test(result.textContent ?? '')) {
        note('result', at)
      }
      const entry = el.closest('[data-testid="tile-solved"]')
      const entries = entry ? [entry] : el.querySelectorAll('[data-testid="tile-solved"]')
      for (const e of entries) if (tokens(e).includes(want)) note('tile', at)
    }

    window.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && w.latency.want) note('keydown', Date.now())
      },
      true,
    )
    new MutationObserver((records) => {
      const at = Date.now()
      for (const r of records) {
        if (r.type === 'characterData') look(r.target.parentElement, at)
        else for (const n of r.addedNodes) look(n instanceof Element ? n : n.parentElement, at)
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
}

/**
 * Types word into a's guess box and presses Enter; resolves with the times
 * from the page's keydown to a's verdict, a's tile and b's tile.
 */
async function pageGuess(a: Player, b: Player, word: string): Promise<PageSample> {
  const expectIn = (p: Player, needs: (keyof Marks)[]) =>
    p.page.evaluate(
      ([word, needs]) => (window as unknown as { latency: Watcher }).latency.expect(word, needs),
      [word, needs] as const,
    )
  await expectIn(a, ['keydown', 'result', 'tile'])
  await expectIn(b, ['tile'])

  const box = guessBox(a.page)
  await box.pressSequentially(word.toLowerCase())
  await eventually(async () => expect(await box.inputValue()).toBe(word))

  // Both waits are sent before the key, so no call reaches either page
  // while the guess is on its way.
  const ready = (p: Player) =>
    within(
      p.page.evaluate(() => (window as unknown as { latency: Watcher }).latency.ready),
      `${p.name} to show ${word}`,
    )
  const marksA = ready(a)
  const marksB = ready(b)
  const pressed = Date.now()
  await a.page.keyboard.press('Enter')
  const [ma, mb] = await Promise.all([marksA, marksB])

  const t0 = ma.keydown!
  return {
    word,
    own: ma.result! - t0,
    ownTile: ma.tile! - t0,
    other: mb.tile! - t0,
    keyDispatch: t0 - pressed,
  }
}

/** Checks that a page shows each word once, under its tile. */
async function showsOnce(p: Player, guessed: string[]): Promise<void> {
  const shown = [...solvedByTile(await readWall(p.page), h.words).values()].flat()
  const words = shown.map((s) => s.word).sort()
  expect(words, `${p.name}'s wall`).toEqual([...guessed].sort())
}

// Figures.

/** The answers of the wall's alphagrams, first one of each tile, then the second, and so on. */
function guessOrder(alphagrams: string[], words: WordIndex): string[] {
  const lists = alphagrams.map((a) => words.answers(a))
  const out: string[] = []
  for (let i = 0; lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length) out.push(l[i])
  }
  return out
}

/** Count and nearest-rank percentiles, in ms. */
function stats(values: number[]): Stats {
  const sorted = [...values].sort((x, y) => x - y)
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]
  return {
    count: sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[sorted.length - 1],
  }
}

function markdown(s: Record<string, Stats>, r: Record<string, number>, load: number[]): string {
  // Page times are whole milliseconds; protocol times are not.
  const ms = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1))
  const row = (name: string, x: Stats) =>
    `| ${name} | ${x.count} | ${ms(x.p50)} | ${ms(x.p90)} | ${ms(x.p99)} | ${ms(x.max)} |`
  return [
    '',
    `load average at the start: ${load.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    '| ms | count | p50 | p90 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    row('protocol: guess → own solved event', s.wireOwn),
    row('protocol: guess → other client’s solved event', s.wireOther),
    row('page: Enter → own verdict "correct"', s.pageOwn),
    row('page: Enter → word under own tile', s.pageOwnTile),
    row('page: Enter → word under the other page’s tile', s.pageOther),
    row('Node key press → page keydown', s.keyDispatch),
    '',
    '| page / protocol | p50 | p90 |',
    '|---|---:|---:|',
    `| own | ${r.ownP50.toFixed(1)} | ${r.ownP90.toFixed(1)} |`,
    `| other | ${r.otherP50.toFixed(1)} | ${r.otherP90.toFixed(1)} |`,
    '',
  ].join('\n')
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${waitMs} ms for ${what}`)), waitMs)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
