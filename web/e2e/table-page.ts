import type { Locator, Page } from 'playwright-core'
import { vi } from 'vitest'
import type { WordIndex } from './words.ts'

// The lobby and table pages, read and driven by their accessible names,
// the way a screen reader finds them, and a few test ids.

/** Retries check until it stops throwing, like a person looking again. */
export function eventually<T>(check: () => Promise<T> | T, timeout = 15_000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 100 })
}

export interface TableForm {
  length: number
  probMin: number
  probMax: number
  questions: number
  timeLimit: number
  public: boolean
}

/** Fills the lobby's "Create a table" form and submits it; resolves with the new table id. */
export async function createFromLobby(
  page: Page,
  player: string,
  form: TableForm,
): Promise<string> {
  await page.getByRole('textbox', { name: 'Your name' }).fill(player)
  await page.getByRole('combobox', { name: 'Word list' }).selectOption('ENABLE')
  await page.getByRole('spinbutton', { name: 'Word length' }).fill(String(form.length))
  await page.getByRole('spinbutton', { name: 'Lowest probability' }).fill(String(form.probMin))
  await page.getByRole('spinbutton', { name: 'Highest probability' }).fill(String(form.probMax))
  await page.getByRole('spinbutton', { name: 'Questions per round' }).fill(String(form.questions))
  await page.getByRole('spinbutton', { name: 'Time limit (seconds)' }).fill(String(form.timeLimit))
  await page.getByRole('checkbox', { name: 'Public' }).setChecked(form.public)
  await page.getByRole('button', { name: 'Create table' }).click()
  await page.waitForURL(/\/t\/[A-Za-z0-9_-]+$/)
  return tableId(page)
}

export function tableId(page: Page): string {
  const m = /\/t\/([A-Za-z0-9_-]+)$/.exec(new URL(page.url()).pathname)
  if (!m) throw new Error(`not a table page: ${page.url()}`)
  return m[1]
}

/**
 * Opens a table by its link and takes a seat under name, as someone who
 * got the link does. A page that remembers a name may skip the question.
 */
export async function joinByLink(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url)
  const join = page.getByRole('button', { name: 'Join table' })
  await join
    .or(page.getByRole('table', { name: 'Scores' }))
    .first()
    .waitFor()
  if (await join.isVisible()) {
    await page.getByRole('textbox', { name: 'Your name' }).fill(name)
    await join.click()
  }
  await waitConnected(page)
}

export async function waitConnected(page: Page, timeout = 20_000): Promise<void> {
  await eventually(async () => {
    const text = await page.getByTestId('connection').textContent()
    if (!/^\s*connected\b/i.test(text ?? '')) throw new Error(`connection shows "${text}"`)
  }, timeout)
}

/** Presses key (Tab, or Shift+Tab to go back) until target has the focus; fails after limit presses. */
export async function tabTo(
  page: Page,
  target: Locator,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
  limit = 40,
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await hasFocus(target)) return
    await page.keyboard.press(key)
  }
  throw new Error(`${key} never reached ${target}`)
}

export function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false)
}

export function wall(page: Page): Locator {
  return page.getByRole('list', { name: 'Wall' })
}

export function guessBox(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Guess' })
}

/** One tile as the page shows it. */
export interface ShownTile {
  letters: string // in the displayed order
  alphagram: string
  solved: string[] // the text of each tile-solved entry
  count: string // the unsolved-answer count as shown
  x: number
  y: number
}

/** Reads every tile of the wall in one pass, so the picture is consistent. */
export async function readWall(page: Page): Promise<ShownTile[]> {
  const tiles = wall(page).getByTestId('tile')
  return tiles.evaluateAll((els) =>
    els.map((el) => {
      const letters = (el.querySelector('[data-testid="tile-letters"]')?.textContent ?? '')
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
      const r = el.getBoundingClientRect()
      return {
        letters,
        alphagram: [...letters].sort().join(''),
        solved: [...el.querySelectorAll('[data-testid="tile-solved"]')].map(
          (s) => s.textContent ?? '',
        ),
        count: el.querySelector('[data-testid="tile-count"]')?.textContent?.trim() ?? '',
        x: Math.round(r.x),
        y: Math.round(r.y),
      }
    }),
  )
}

/** Waits for a wall of n tiles whose alphagrams differ from those of before. */
export async function waitForWall(
  page: Page,
  n: number,
  before: string[] = [],
): Promise<ShownTile[]> {
  return eventually(async () => {
    const tiles = await readWall(page)
    if (tiles.length !== n) throw new Error(`wall has ${tiles.length} tiles, want ${n}`)
    if (tiles.some((t) => before.includes(t.alphagram))) throw new Error('still the old wall')
    return tiles
  }, 20_000)
}

/**
 * The words solved on each tile, by alphagram, with the text of the entry
 * each was read from. An entry is matched to the tile's answers, so a
 * solver's name never passes for a word.
 */
export function solvedByTile(
  tiles: ShownTile[],
  words: WordIndex,
): Map<string, { word: string; entry: string }[]> {
  const out = new Map<string, { word: string; entry: string }[]>()
  for (const t of tiles) {
    const answers = new Set(words.answers(t.alphagram))
    const found: { word: string; entry: string }[] = []
    for (const entry of t.solved) {
      for (const token of entry.split(/[^A-Za-z]+/)) {
        if (answers.has(token.toUpperCase())) found.push({ word: token.toUpperCase(), entry })
      }
    }
    out.set(t.alphagram, found)
  }
  return out
}

/** Solved words per alphagram, each list sorted, as plain data to compare. */
export function solvedWords(tiles: ShownTile[], words: WordIndex): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [a, found] of solvedByTile(tiles, words)) out[a] = found.map((f) => f.word).sort()
  return out
}

export type Submit = 'Enter' | 'Space'

/** Types word into the guess box, submits it, and waits for the verdict about that word. */
export async function guess(page: Page, word: string, submit: Submit = 'Enter'): Promise<string> {
  const box = guessBox(page)
  const result = page.getByTestId('guess-result')
  const before = (await result.count()) > 0 ? ((await result.textContent()) ?? '') : ''
  await box.pressSequentially(word.toLowerCase())
  await box.press(submit === 'Enter' ? 'Enter' : ' ')
  return eventually(async () => {
    const text = (await result.textContent()) ?? ''
    if (!text.toUpperCase().includes(word.toUpperCase()))
      throw new Error(`guess result "${text}" is not about ${word}`)
    if (text === before) throw new Error(`guess result still shows "${text}"`)
    if (!/correct|wrong|already solved/i.test(text))
      throw new Error(`guess result "${text}" has no verdict`)
    return text
  })
}

export type Verdict = 'correct' | 'wrong' | 'already solved'

export function verdictOf(text: string): Verdict | undefined {
  if (/already solved/i.test(text)) return 'already solved'
  if (/\bincorrect\b/i.test(text)) return undefined
  if (/\bcorrect\b/i.test(text)) return 'correct'
  if (/\bwrong\b/i.test(text)) return 'wrong'
  return undefined
}

/** One row of a role=table: the text of each cell, and of each list item in it. */
export interface Row {
  cells: string[]
  items: string[]
}

/**
 * Reads the rows of a role=table. Text is taken node by node and joined
 * with spaces, so that text in neighbouring elements ("ANEROID" and a
 * hidden "back hooks S") stays apart the way a screen reader keeps it.
 */
export async function tableRows(table: Locator): Promise<Row[]> {
  return table.getByRole('row').evaluateAll((rows) => {
    const text = (el: Element) => {
      const parts: string[] = []
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
      while (walk.nextNode()) parts.push(walk.currentNode.textContent ?? '')
      return parts.join(' ').replace(/\s+/g, ' ').trim()
    }
    return rows.map((r) => ({
      cells: [...r.children].map(text),
      items: [...r.querySelectorAll('li, [role="listitem"]')].map(text),
    }))
  })
}

/** The words count each player has in the Scores table, by name. */
export async function scores(page: Page, names: string[]): Promise<Record<string, number>> {
  const rows = (await tableRows(page.getByRole('table', { name: 'Scores' }))).map((r) => r.cells)
  const out: Record<string, number> = {}
  for (const name of names) {
    const named = (c: string) => new RegExp(`(^|[^\\p{L}])${name}([^\\p{L}]|$)`, 'u').test(c)
    const row = rows.find((cells) => cells.some(named))
    if (!row) throw new Error(`no Scores row for ${name}: ${JSON.stringify(rows)}`)
    const at = row.findIndex(named)
    const number =
      row.slice(at + 1).find((c) => /^\d+$/.test(c)) ?? row.find((c) => /^\d+$/.test(c))
    if (number === undefined)
      throw new Error(`no score in the row of ${name}: ${JSON.stringify(row)}`)
    out[name] = Number(number)
  }
  return out
}

/** Sends a chat line from the chat box. */
export async function chat(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Chat message' }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

export function chatLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Chat' })
}
