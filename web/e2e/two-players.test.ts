import { expect, test } from 'vitest'
import type { Player } from './browser.ts'
import { useHarness } from './harness.ts'
import {
  chat,
  chatLog,
  createFromLobby,
  eventually,
  guess,
  joinByLink,
  readWall,
  scores,
  solvedByTile,
  tableRows,
  verdictOf,
  waitConnected,
  waitForWall,
  type Row,
  type ShownTile,
  type Submit,
} from './table-page.ts'
import { serverView, type WireClient } from './wire.ts'
import { alphagram } from './words.ts'

// Two people at one table: Ana creates it in the lobby and shares the
// link, Bo joins through a network that drops in the middle of the round.

const h = useHarness({ proxy: true })

const questions = 10

/** Who found which word, as the test itself made them find it. */
type Solvers = Map<string, string>

/** The words each tile should list as solved, by alphagram, sorted. */
function expectedSolved(tiles: ShownTile[], solvers: Solvers): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const t of tiles)
    out[t.alphagram] = [...solvers.keys()].filter((w) => alphagram(w) === t.alphagram).sort()
  return out
}

/** Checks that a page shows exactly the solved words, each once, under its tile and with its solver. */
async function showsSolved(p: Player, solvers: Solvers): Promise<void> {
  await eventually(async () => {
    const tiles = await readWall(p.page)
    const shown = solvedByTile(tiles, h.words)
    const got: Record<string, string[]> = {}
    for (const [a, found] of shown) got[a] = found.map((f) => f.word).sort()
    expect(got, `${p.name}'s wall`).toEqual(expectedSolved(tiles, solvers))

    for (const found of shown.values()) {
      for (const { word, entry } of found)
        expect(entry, `${word} on ${p.name}'s wall`).toContain(solvers.get(word))
    }
    for (const t of tiles) {
      const entries = shown.get(t.alphagram)?.length ?? 0
      expect(t.solved.length, `solved entries on ${t.alphagram} for ${p.name}`).toBe(entries)
      const left = h.words.answers(t.alphagram).length - entries
      expect(t.count.match(/\d+/)?.[0], `count on ${t.alphagram} for ${p.name}`).toBe(String(left))
    }
  })
}

/** The server's solves, as words per alphagram. */
function serverSolved(view: WireClient): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const tile of view.wall) {
    out[tile.alphagram] = view.solves
      .filter((s) => s.index === tile.index)
      .map((s) => s.word)
      .sort()
  }
  return out
}

/** The list item of a Solutions row that shows word. */
function itemOf(row: Row, word: string): string {
  const item = row.items.find((t) => t.split(/[^A-Za-z]+/).some((w) => w.toUpperCase() === word))
  if (!item) throw new Error(`no entry for ${word} in ${JSON.stringify(row)}`)
  return item
}

/** Checks the Solutions table against the word list, the server's answers and who solved what. */
async function showsSolutions(
  p: Player,
  view: WireClient,
  solvers: Solvers,
  names: Map<string, string>,
) {
  const table = p.page.getByRole('table', { name: 'Solutions' })
  await table.waitFor({ timeout: 15_000 })
  const rows = await tableRows(table)

  expect(view.answers).toHaveLength(questions)
  for (const answer of view.answers) {
    const row = rows.find((r) =>
      r.cells.some((c) => c.split(/[^A-Za-z]+/).includes(answer.alphagram)),
    )
    expect(row, `${p.name}: a Solutions row for ${answer.alphagram}`).toBeDefined()
    const rank = new RegExp(`^#?\\s*${answer.probability}\\.?$`)
    expect(
      row!.cells.some((c) => rank.test(c)),
      `rank ${answer.probability} in ${row!.cells}`,
    ).toBe(true)
    expect(answer.words.map((w) => w.word).sort()).toEqual(h.words.answers(answer.alphagram))

    for (const w of answer.words) {
      const item = itemOf(row!, w.word)
      const tokens = item.split(/\s+/)
      const hooks = h.words.hooks(w.word)
      expect({ front: w.front_hooks, back: w.back_hooks }, `server's hooks of ${w.word}`).toEqual(
        hooks,
      )
      if (hooks.front) expect(tokens, `front hooks of ${w.word}`).toContain(hooks.front)
      if (hooks.back) expect(tokens, `back hooks of ${w.word}`).toContain(hooks.back)
      const marked = /·|\binner\b/.test(item)
      expect(marked, `inner hook mark on ${w.word}: ${item}`).toBe(
        w.inner_front_hook || w.inner_back_hook,
      )

      const solver = solvers.get(w.word)
      if (solver) {
        const solve = answer.solves.find((s) => s.word === w.word)
        expect(solve && names.get(solve.user_id), `server's solver of ${w.word}`).toBe(solver)
        expect(item, `${w.word} solved`).toContain(solver)
        expect(item).toMatch(/\b\d+:\d\d\b/)
        expect(item).not.toMatch(/\bmissed\b/i)
      } else {
        expect(
          answer.solves.some((s) => s.word === w.word),
          `${w.word} solved on the server`,
        ).toBe(false)
        expect(item, `${w.word} missed`).toMatch(/\bmissed\b/i)
      }
    }
  }
}

test('two_players_share_a_round_through_a_network_drop', async () => {
  const ana = await h.open('ana')
  const bo = await h.open('bo')

  // Ana creates the table in the lobby and lands on its page.
  await ana.page.goto(`${h.server.origin}/`)
  const table = await createFromLobby(ana.page, 'Ana', {
    length: 7,
    probMin: 1,
    probMax: 2 * questions,
    questions,
    timeLimit: 180,
    public: true,
  })
  await ana.page.getByText('Share this link').waitFor()
  const linkBox = ana.page.getByRole('textbox', { name: 'Table link' })
  expect(await linkBox.inputValue()).toBe(`${h.server.origin}/t/${table}`)
  expect(await linkBox.isEditable()).toBe(false)
  await waitConnected(ana.page)

  // Bo follows the link, through the proxy that will drop.
  const link = new URL(await linkBox.inputValue())
  await joinByLink(bo.page, h.proxy.origin + link.pathname, 'Bo')
  for (const p of [ana, bo]) {
    await eventually(async () =>
      expect(await scores(p.page, ['Ana', 'Bo'])).toEqual({ Ana: 0, Bo: 0 }),
    )
  }

  await chat(bo.page, 'hi Ana, ready when you are')
  await eventually(async () =>
    expect(await chatLog(ana.page).textContent()).toContain('hi Ana, ready when you are'),
  )

  // The round starts for both.
  await ana.page.getByRole('button', { name: 'Start' }).click()
  const wall = await waitForWall(ana.page, questions)
  const wallBo = await waitForWall(bo.page, questions)
  const alphagrams = wall.map((t) => t.alphagram)
  expect(wallBo.map((t) => t.alphagram).sort()).toEqual([...alphagrams].sort())
  const todo = alphagrams.flatMap((a) => h.words.answers(a))
  expect(todo.length).toBeGreaterThan(14)

  const solvers: Solvers = new Map()
  const solve = async (p: Player, name: string, submit: Submit) => {
    const word = todo.shift()!
    expect(verdictOf(await guess(p.page, word, submit)), `${name} guesses ${word}`).toBe('correct')
    solvers.set(word, name)
    return word
  }

  // Both find words, Ana submitting with Enter and Bo with Space.
  const first = await solve(ana, 'Ana', 'Enter')
  await solve(bo, 'Bo', 'Space')
  await solve(ana, 'Ana', 'Enter')
  await solve(bo, 'Bo', 'Space')
  const offWall = ['JUKEBOX', 'ZEPHYRS', 'QUIZZED'].find(
    (w) => h.words.has(w) && !alphagrams.includes(alphagram(w)),
  )!
  expect(verdictOf(await guess(ana.page, offWall, 'Enter'))).toBe('wrong')
  const notAWord = alphagrams.find((a) => !h.words.has(a))!
  expect(verdictOf(await guess(bo.page, notAWord, 'Enter'))).toBe('wrong')
  expect(verdictOf(await guess(bo.page, first, 'Space'))).toBe('already solved')
  await showsSolved(ana, solvers)
  await showsSolved(bo, solvers)

  // Bo's network drops while Ana keeps solving.
  bo.expectNetworkErrors(true)
  h.proxy.cut()
  await eventually(async () => {
    expect(await bo.page.getByTestId('connection').textContent()).toMatch(/reconnecting/i)
  })
  const whileAway: string[] = []
  for (let i = 0; i < 4; i++)
    whileAway.push(await solve(ana, 'Ana', i % 2 === 0 ? 'Enter' : 'Space'))
  // Bo guesses while cut off: the word waits in his client.
  const sentOffline = todo.shift()!
  const boBox = bo.page.getByRole('textbox', { name: 'Guess' })
  await boBox.pressSequentially(sentOffline.toLowerCase())
  await boBox.press('Enter')
  await new Promise((r) => setTimeout(r, 1_500))
  expect(await bo.page.getByTestId('guess-result').textContent()).not.toMatch(/correct|wrong/i)
  const stale = solvedByTile(await readWall(bo.page), h.words)
  const seenByBo = [...stale.values()].flat().map((f) => f.word)
  expect(
    seenByBo.filter((w) => whileAway.includes(w)),
    'words Bo cannot have seen yet',
  ).toEqual([])

  // Back online, Bo catches up: every word once, none lost.
  h.proxy.restore()
  await waitConnected(bo.page, 30_000)
  // The guess Bo sent while away is resent and counts once.
  await eventually(async () => {
    const text = (await bo.page.getByTestId('guess-result').textContent()) ?? ''
    expect(text).toContain(sentOffline)
    expect(verdictOf(text)).toBe('correct')
  })
  solvers.set(sentOffline, 'Bo')
  await showsSolved(bo, solvers)
  await showsSolved(ana, solvers)
  bo.expectNetworkErrors(false)
  const midRound = await serverView(h.server.origin, table)
  expect(serverSolved(midRound)).toEqual(expectedSolved(wall, solvers))

  await solve(bo, 'Bo', 'Space')
  await showsSolved(ana, solvers)
  await showsSolved(bo, solvers)

  // Ana gives up with words left: the solutions show everything.
  expect(todo.length).toBeGreaterThan(0)
  await ana.page.getByRole('button', { name: 'Give up' }).click()
  await ana.page.getByRole('table', { name: 'Solutions' }).waitFor({ timeout: 15_000 })
  const after = await serverView(h.server.origin, table)
  expect(after.phase).toBe('idle')
  const names = new Map([...after.players.values()].map((p) => [p.id, p.name]))
  for (const p of [ana, bo]) await showsSolutions(p, after, solvers, names)
  await ana.page.getByText('The host gave up.').waitFor()

  // A reload builds Bo's page from the server's view: same seat, same
  // solutions, and still why the round ended.
  await bo.page.reload()
  await waitConnected(bo.page)
  await showsSolutions(bo, after, solvers, names)
  await bo.page.getByText('The host gave up.').waitFor()

  const count = (name: string) => [...solvers.values()].filter((n) => n === name).length
  const want = { Ana: count('Ana'), Bo: count('Bo') }
  for (const p of [ana, bo])
    await eventually(async () => expect(await scores(p.page, ['Ana', 'Bo'])).toEqual(want))

  // A second round brings a new wall to both.
  await ana.page.getByRole('button', { name: 'Start' }).click()
  await waitForWall(ana.page, questions, alphagrams)
  await waitForWall(bo.page, questions, alphagrams)
})
