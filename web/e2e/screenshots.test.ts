import { mkdirSync, readFileSync } from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { desktop, phone, type Player } from './browser.ts'
import { useHarness } from './harness.ts'
import {
  chat,
  chatLog,
  createFromLobby,
  eventually,
  guess,
  joinByLink,
  readWall,
  solvedByTile,
  verdictOf,
  waitConnected,
  waitForWall,
} from './table-page.ts'
import { createTable, issueToken, WireClient } from './wire.ts'

// Pictures of the page for docs/screenshots, at a desktop's size and a
// phone's, taken while two people play: the lobby with a few public
// tables, a round with words found and a chat line, and the solutions.

const h = useHarness()

const shots = new URL('../../docs/screenshots/', import.meta.url)

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  const path = new URL(`${name}.png`, shots).pathname
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' })
  const png = readFileSync(path)
  const width = png.readUInt32BE(16)
  const scale = page.viewportSize()!.width
  expect(width % scale, `${name}.png is ${width} pixels wide`).toBe(0)
}

/** Scrolls el to the top of the screen, below anything that stays put over it there. */
async function showAtTop(el: Locator): Promise<void> {
  await el.evaluate(async (node) => {
    node.scrollIntoView({ block: 'start' })
    for (let i = 0; i < 40; i++) {
      const r = node.getBoundingClientRect()
      const hit = document.elementFromPoint(r.left + 4, r.top + 4)
      if (hit && (node.contains(hit) || hit.contains(node))) return
      window.scrollBy(0, -10)
      await new Promise((done) => requestAnimationFrame(() => done(null)))
    }
  })
}

async function solvedCount(p: Player): Promise<number> {
  const shown = solvedByTile(await readWall(p.page), h.words)
  return [...shown.values()].reduce((n, found) => n + found.length, 0)
}

test('screenshots_of_lobby_round_and_solutions', async () => {
  const tables = [
    {
      name: 'Top 7s by probability',
      player: 'Mira',
      length: 7,
      prob_min: 1,
      prob_max: 500,
      questions_per_round: 50,
      time_limit: 270,
    },
    {
      name: 'Eights after work',
      player: 'Jon',
      length: 8,
      prob_min: 1,
      prob_max: 1000,
      questions_per_round: 40,
      time_limit: 300,
    },
    {
      name: 'Quick sixes',
      player: 'Someone',
      length: 6,
      prob_min: 200,
      prob_max: 600,
      questions_per_round: 30,
      time_limit: 180,
    },
  ]
  // Mira and Theo play at the first table and Jon waits at the second, so
  // that the lobby has people to show; the third is brand new.
  const made = []
  for (const t of tables) made.push(await createTable(h.server.origin, { ...t, public: true }))
  const mira = await WireClient.connect(h.server.origin, made[0].table, made[0].token)
  const seat = await issueToken(h.server.origin, made[0].table, 'Theo')
  const theo = await WireClient.connect(h.server.origin, made[0].table, seat.token)
  const jon = await WireClient.connect(h.server.origin, made[1].table, made[1].token)
  await mira.startRound()

  const ana = await h.open('ana', desktop)
  const bo = await h.open('bo', phone)
  for (const [p, name] of [
    [ana, 'Ana'],
    [bo, 'Bo'],
  ] as const) {
    await p.page.goto(`${h.server.origin}/`)
    await p.page.getByRole('heading', { name: 'Public tables' }).waitFor()
    await p.page.getByText('Quick sixes').waitFor()
    // A table's state reaches the list a moment after it changes, and the
    // lobby asks for the list every few seconds.
    await p.page.getByText('Mira, Theo').waitFor({ timeout: 30_000 })
    await p.page.getByText('playing round 1').waitFor({ timeout: 30_000 })
    await p.page.getByRole('textbox', { name: 'Your name' }).fill(name)
  }
  await shoot(ana.page, 'lobby-desktop')
  await shoot(bo.page, 'lobby-phone')
  for (const c of [mira, theo, jon]) c.close()

  const table = await createFromLobby(ana.page, 'Ana', {
    length: 7,
    probMin: 1,
    probMax: 100,
    questions: 20,
    timeLimit: 300,
    public: true,
  })
  await waitConnected(ana.page)
  await joinByLink(bo.page, `${h.server.origin}/t/${table}`, 'Bo')
  await chat(bo.page, 'good luck!')
  await chat(ana.page, 'you too, starting now')
  for (const p of [ana, bo]) {
    await eventually(async () =>
      expect(await chatLog(p.page).textContent()).toContain('starting now'),
    )
  }

  await ana.page.getByRole('button', { name: 'Start' }).click()
  const wall = await waitForWall(ana.page, 20)
  await waitForWall(bo.page, 20)

  // Ana is quicker; both leave plenty unfound, spread over the wall, and
  // take a moment between words as people do.
  const plan = [0, 2, 3, 6, 7, 9, 12, 14, 17].map((i) => h.words.answers(wall[i].alphagram)[0])
  for (const [i, word] of plan.entries()) {
    const p = i % 3 === 2 ? bo : ana
    expect(verdictOf(await guess(p.page, word, i % 2 === 0 ? 'Enter' : 'Space'))).toBe('correct')
    await new Promise((r) => setTimeout(r, 700))
  }
  for (const p of [ana, bo])
    await eventually(async () => expect(await solvedCount(p)).toBe(plan.length))
  for (const p of [ana, bo]) await p.page.evaluate(() => window.scrollTo(0, 0))
  await shoot(ana.page, 'round-desktop')
  await shoot(bo.page, 'round-phone')

  await ana.page.getByRole('button', { name: 'Give up' }).click()
  for (const p of [ana, bo]) {
    const solutions = p.page.getByRole('table', { name: 'Solutions' })
    await solutions.waitFor({ timeout: 15_000 })
    const heading = p.page.getByRole('heading', { name: 'Solutions' })
    await showAtTop((await heading.count()) > 0 ? heading.first() : solutions)
  }
  await shoot(ana.page, 'solutions-desktop')
  await shoot(bo.page, 'solutions-phone')
})
