import type { Locator, Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { desktop } from './browser.ts'
import { useHarness } from './harness.ts'
import {
  createFromLobby,
  eventually,
  guess,
  guessBox,
  hasFocus,
  joinByLink,
  readWall,
  tableRows,
  tabTo,
  verdictOf,
  waitConnected,
  waitForWall,
} from './table-page.ts'
import { hostTable, issueToken, WireClient } from './wire.ts'

// What the page gives someone who cannot see it, or only uses a keyboard:
// news read out as it happens, a name on every control, marks in words
// rather than colours, and preferences that change the page and stay.

const h = useHarness()

const questions = 10

/** A private table whose host, Cesar, is the test itself; the page joins it by its link. */
async function hostedTable(timeLimit: number): Promise<{ host: WireClient; link: string }> {
  // Room for a second round of new alphagrams.
  return hostTable(h.server.origin, { prob_max: 2 * questions, time_limit: timeLimit })
}

/** One change of a live region's text, as a screen reader would be handed it. */
interface Heard {
  live: string
  text: string
}

/**
 * Starts keeping, in order, every text the page's live regions take on.
 * Kept in the page, so that nothing said between two looks is missed.
 */
async function listen(page: Page): Promise<void> {
  await page.evaluate(() => {
    const heard: { live: string; text: string }[] = []
    const last = new Map<Element, string>()
    const look = () => {
      for (const el of document.querySelectorAll('[aria-live]')) {
        const text = (el.textContent ?? '').trim()
        if (last.get(el) === text) continue
        last.set(el, text)
        if (text) heard.push({ live: el.getAttribute('aria-live') ?? '', text })
      }
    }
    look()
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    })
    Object.assign(window, { heard })
  })
}

function heard(page: Page): Promise<Heard[]> {
  return page.evaluate(() => (window as unknown as { heard: Heard[] }).heard)
}

/** The text of the page's assertive live regions now. */
function assertiveNow(page: Page): Promise<string> {
  return page
    .locator('[aria-live="assertive"]')
    .evaluateAll((els) => els.map((el) => el.textContent ?? '').join(''))
}

test('solves_by_others_and_the_last_seconds_are_announced', async () => {
  const kim = await h.open('kim')
  const page = kim.page
  const { host, link } = await hostedTable(10)
  await joinByLink(page, link, 'Kim')
  await listen(page)

  await host.startRound()
  await waitForWall(page, questions)
  const word = h.words.answers(host.wall[0].alphagram)[0]
  expect((await host.guess(word)).type).toBe('ack')

  // The round ends on its own, and the solutions take the wall's place.
  const solutions = page.getByRole('table', { name: 'Solutions' })
  await solutions.waitFor({ timeout: 40_000 })
  await host.waitFor(() => host.phase === 'idle')
  const over = host.messages.find((m) => m.type === 'round_over')
  expect(over?.reason, 'why the round ended').toBe('time')
  expect(await page.getByText('Time is up.').count()).toBeGreaterThan(0)

  const said = await heard(page)
  const polite = said.filter((s) => s.live === 'polite').map((s) => s.text)
  expect(polite).toContain(`${word} solved by Cesar`)
  const end = said.findIndex((s) => s.live === 'polite' && s.text === 'Round 1 is over.')
  expect(end, `"Round 1 is over." in ${JSON.stringify(said)}`).toBeGreaterThanOrEqual(0)

  // The last seconds are read out, each at most once, counting down, and
  // all of them while the round still ran. A busy machine may skip one,
  // so the test does not ask for every number.
  const seconds = said.flatMap((s, i) => (s.live === 'assertive' ? [{ ...s, i }] : []))
  expect(seconds.length, `assertive texts in ${JSON.stringify(said)}`).toBeGreaterThan(2)
  const counts = seconds.map((s) => {
    expect(s.text).toMatch(/^(10 seconds left|[1-9])$/)
    expect(s.i, `"${s.text}" said after the round ended`).toBeLessThan(end)
    return Number.parseInt(s.text, 10)
  })
  for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThan(counts[i - 1])
  expect(await assertiveNow(page)).toBe('')
  host.close()
})

test('the_guess_verdict_goes_when_its_round_ends', async () => {
  const kim = await h.open('kim')
  const page = kim.page
  const { host, link } = await hostedTable(300)
  await joinByLink(page, link, 'Kim')
  const result = page.getByTestId('guess-result')

  await host.startRound()
  const wall = await waitForWall(page, questions)
  const word = h.words.answers(wall[0].alphagram)[0]
  expect(verdictOf(await guess(page, word))).toBe('correct')

  // The round ends: the verdict about it goes with the wall.
  expect((await host.giveUp()).type).toBe('ack')
  await page.getByRole('table', { name: 'Solutions' }).waitFor({ timeout: 15_000 })
  await eventually(async () => expect((await result.textContent())?.trim()).toBe(''))

  // A word typed between rounds is refused; the next round clears that too.
  const box = guessBox(page)
  await box.pressSequentially('tardy')
  await box.press('Enter')
  await eventually(async () => expect(await result.textContent()).toMatch(/no round is running/))
  await host.startRound()
  await waitForWall(page, questions, [wall[0].alphagram])
  await eventually(async () => expect((await result.textContent())?.trim()).toBe(''))
  host.close()
})

const controlRoles = ['button', 'textbox', 'checkbox', 'combobox', 'spinbutton'] as const
type ControlRole = (typeof controlRoles)[number]

/**
 * The controls of each role inside scope, and those among them without an
 * accessible name. The name is taken as a screen reader would, from
 * aria-labelledby, aria-label, the control's labels, or a button's own
 * text; a placeholder or a title does not count.
 */
async function controlNames(scope: Locator) {
  const count: Partial<Record<ControlRole, number>> = {}
  const unnamed: string[] = []
  for (const role of controlRoles) {
    const found = await scope.getByRole(role).evaluateAll((els, role) => {
      const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
      const nameOf = (el: Element): string => {
        const ids = el.getAttribute('aria-labelledby')?.split(/\s+/) ?? []
        const byIds = ids.map((id) => text(document.getElementById(id))).join(' ')
        if (byIds.trim()) return byIds.trim()
        const label = el.getAttribute('aria-label')?.trim()
        if (label) return label
        const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])] : []
        const byLabels = labels.map(text).join(' ').trim()
        if (byLabels) return byLabels
        if (role !== 'button') return ''
        if (el instanceof HTMLInputElement) return el.value.trim()
        return text(el)
      }
      return els.map((el) => ({ name: nameOf(el), html: el.outerHTML.slice(0, 160) }))
    }, role as string)
    count[role] = found.length
    for (const c of found) if (!c.name) unnamed.push(`${role}: ${c.html}`)
  }
  return { count, unnamed }
}

/** Checks every control in scope has a name, and that there is at least one of each role in want. */
async function expectNamed(scope: Locator, where: string, want: ControlRole[]): Promise<void> {
  const { count, unnamed } = await controlNames(scope)
  expect(unnamed, `controls without a name in ${where}`).toEqual([])
  for (const role of want) expect(count[role], `${role}s in ${where}`).toBeGreaterThan(0)
}

test('every_control_has_a_name_and_marks_are_words', async () => {
  const ana = await h.open('ana')
  const page = ana.page
  const body = page.locator('body')

  await page.goto(`${h.server.origin}/`)
  await page.getByRole('heading', { name: 'Public tables' }).waitFor()
  await page.locator('option', { hasText: 'ENABLE' }).waitFor({ state: 'attached' })
  await expectNamed(body, 'the lobby', [...controlRoles])

  // Ana makes a table in the lobby; Bo comes in through the API.
  const table = await createFromLobby(page, 'Ana', {
    length: 7,
    probMin: 1,
    probMax: questions,
    questions,
    timeLimit: 300,
    public: false,
  })
  await waitConnected(page)
  const seat = await issueToken(h.server.origin, table, 'Bo')
  const bo = await WireClient.connect(h.server.origin, table, seat.token)
  const start = page.getByRole('button', { name: 'Start' })
  await eventually(async () => expect(await start.isEnabled()).toBe(true))
  await start.click()
  const wall = await waitForWall(page, questions)

  // Bo finds one word; the wall names him beside it.
  const found = h.words.answers(wall[0].alphagram)[0]
  await bo.waitFor(() => bo.phase === 'running')
  expect((await bo.guess(found)).type).toBe('ack')
  await eventually(async () => {
    const tile = (await readWall(page)).find((t) => t.alphagram === wall[0].alphagram)
    expect(tile?.solved.join(' | ')).toMatch(new RegExp(`${found}.*\\bBo\\b`))
  })
  await expectNamed(body, 'the table during a round', ['button', 'textbox'])

  // The host and "you" are words in the Scores table, not colours.
  const scores = await tableRows(page.getByRole('table', { name: 'Scores' }))
  const rowOf = (name: string) => scores.find((r) => r.cells[0]?.includes(name))?.cells[0]
  expect(rowOf('Ana')).toMatch(/\bhost\b/)
  expect(rowOf('Ana')).toMatch(/\byou\b/)
  expect(rowOf('Bo')).toBeDefined()
  expect(rowOf('Bo')).not.toMatch(/\bhost\b|\byou\b/)

  // After the round, every word Bo did not find says "missed".
  await page.getByRole('button', { name: 'Give up' }).click()
  const solutions = page.getByRole('table', { name: 'Solutions' })
  await solutions.waitFor({ timeout: 15_000 })
  const rows = await tableRows(solutions)
  let missed = 0
  for (const tile of wall) {
    const row = rows.find((r) => r.cells.some((c) => c.split(' ').includes(tile.alphagram)))
    expect(row, `a Solutions row for ${tile.alphagram}`).toBeDefined()
    for (const w of h.words.answers(tile.alphagram)) {
      const item = row!.items.find((t) => t.split(/[^A-Za-z]+/).includes(w))
      expect(item, `an entry for ${w}`).toBeDefined()
      if (w === found) {
        expect(item).toMatch(/\bBo\b/)
        expect(item).not.toMatch(/\bmissed\b/)
      } else {
        expect(item, `${w} not found`).toMatch(/\bmissed\b/)
        missed++
      }
    }
  }
  expect(missed).toBeGreaterThan(0)

  // The host's settings form is part of this view once opened.
  await page.getByText('Table settings').click()
  await page.getByRole('button', { name: 'Save settings' }).waitFor()
  await expectNamed(body, 'the solutions', ['button', 'textbox', 'checkbox', 'spinbutton'])

  await page.getByRole('button', { name: 'Preferences' }).click()
  const dialog = page.getByRole('dialog', { name: 'Preferences' })
  await dialog.waitFor()
  await expectNamed(dialog, 'the Preferences dialog', ['button', 'textbox', 'checkbox', 'combobox'])
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  bo.close()
})

/** The relative luminance of the page's background, from 0 (black) to 1 (white). */
function background(page: Page): Promise<number> {
  return page.evaluate(() => {
    const colour = getComputedStyle(document.body).backgroundColor
    const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
    const linear = (c: number) => {
      const s = c / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    }
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
  })
}

/** How the first tile's letters are drawn. */
function letterLook(page: Page) {
  return page
    .getByTestId('tile-letters')
    .first()
    .evaluate((el) => {
      const letter = el.querySelector('.letter') ?? el
      return {
        tiles: letter.closest('.tiles-on') !== null,
        border: getComputedStyle(letter).borderTopStyle,
        font: getComputedStyle(el).fontFamily,
      }
    })
}

async function storedPrefs(page: Page): Promise<unknown> {
  return JSON.parse((await page.evaluate(() => localStorage.getItem('ww.prefs'))) ?? '{}')
}

test('preferences_change_the_page_and_survive_a_reload', async () => {
  const kim = await h.open('kim', { ...desktop, colorScheme: 'light' })
  const page = kim.page
  const { host, link } = await hostedTable(600)
  await joinByLink(page, link, 'Kim')
  await host.startRound()
  await waitForWall(page, questions)

  const before = await letterLook(page)
  expect(before).toMatchObject({ tiles: true, border: 'solid' })
  expect(await background(page), 'background at first').toBeGreaterThan(0.6)

  // By keyboard alone: the dialog opens from its button, every field can
  // be reached with Tab, and Escape closes it and gives the focus back.
  const open = page.getByRole('button', { name: 'Preferences' })
  const dialog = page.getByRole('dialog', { name: 'Preferences' })
  await eventually(async () => expect(await hasFocus(guessBox(page))).toBe(true))
  await tabTo(page, open, 'Shift+Tab')
  await page.keyboard.press('Enter')
  await dialog.waitFor()
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true)
  const showTiles = dialog.getByRole('checkbox', { name: 'Show tiles' })
  const font = dialog.getByRole('combobox', { name: 'Font' })
  const theme = dialog.getByRole('combobox', { name: 'Theme' })
  const fields = [
    showTiles,
    font,
    theme,
    dialog.getByRole('textbox', { name: 'Custom letter order' }),
    dialog.getByRole('button', { name: 'Close' }),
  ]
  for (const field of fields) await tabTo(page, field, 'Tab', 10)
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  await eventually(async () => expect(await hasFocus(open)).toBe(true))

  // Plain letters, a dark page, a monospaced font.
  await open.click()
  await showTiles.setChecked(false)
  await theme.selectOption({ label: 'Dark' })
  await font.selectOption({ label: 'Monospace' })
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  const plain = await letterLook(page)
  expect(plain).toMatchObject({ tiles: false, border: 'none' })
  expect(plain.font).not.toBe(before.font)
  expect(plain.font).toMatch(/monospace/)
  expect(await background(page), 'background with the dark theme').toBeLessThan(0.1)
  expect(await storedPrefs(page)).toMatchObject({ tiles: false, theme: 'dark', font: 'mono' })

  await page.reload()
  await waitForWall(page, questions)
  expect(await letterLook(page)).toEqual(plain)
  expect(await background(page), 'dark background after a reload').toBeLessThan(0.1)

  // And back: tiles, a light page, a serif font.
  await open.click()
  await showTiles.setChecked(true)
  await theme.selectOption({ label: 'Light' })
  await font.selectOption({ label: 'Serif' })
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  const serif = await letterLook(page)
  expect(serif).toMatchObject({ tiles: true, border: 'solid' })
  expect(serif.font).toMatch(/serif/)
  expect(serif.font).not.toMatch(/monospace|sans-serif/)
  expect(await background(page), 'background with the light theme').toBeGreaterThan(0.6)

  await page.reload()
  await waitForWall(page, questions)
  expect(await letterLook(page)).toEqual(serif)
  expect(await background(page), 'light background after a reload').toBeGreaterThan(0.6)
  expect(await storedPrefs(page)).toMatchObject({ tiles: true, theme: 'light', font: 'serif' })
  host.close()
})
