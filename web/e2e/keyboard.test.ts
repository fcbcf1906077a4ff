import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { useHarness } from './harness.ts'
import {
  eventually,
  guess,
  guessBox,
  joinByLink,
  readWall,
  tabTo,
  verdictOf,
  waitForWall,
} from './table-page.ts'
import { hostTable, WireClient } from './wire.ts'

// The guess box is the whole game for a keyboard: keys 1, 2 and 3 reorder
// the letters of every tile without being typed, and the lobby and the
// Start button can be reached with Tab and Enter alone.

const h = useHarness()

const questions = 10

/** A table made through the API whose host is the test itself, with a round running once joined. */
async function tableWithRound(page: Page, player: string): Promise<WireClient> {
  const { host, link } = await hostTable(h.server.origin, { questions_per_round: questions })
  await joinByLink(page, link, player)
  await host.startRound()
  await waitForWall(page, questions)
  return host
}

/** The letters of every tile as displayed, in wall order. */
async function shown(page: Page): Promise<string[]> {
  return (await readWall(page)).map((t) => t.letters)
}

const sorted = (s: string) => [...s].sort().join('')

// A full custom order, so that where each letter goes is never in doubt.
const custom = 'QWERTYUIOPASDFGHJKLZXCVBNM'
const inCustomOrder = (s: string) =>
  [...s].sort((x, y) => custom.indexOf(x) - custom.indexOf(y)).join('')

test('keys_1_2_3_reorder_the_letters', async () => {
  const kim = await h.open('kim')
  const page = kim.page
  const host = await tableWithRound(page, 'Kim')
  const box = guessBox(page)
  await box.click()
  const before = await shown(page)
  const alphagrams = before.map(sorted)

  // 1 shuffles: same letters on every tile, another order somewhere.
  await box.press('1')
  await eventually(async () => {
    const now = await shown(page)
    expect(now.map(sorted)).toEqual(alphagrams)
    expect(now).not.toEqual(before)
  })
  expect(await box.inputValue()).toBe('')

  // 2 puts every tile in alphabetical order.
  await box.press('2')
  await eventually(async () => expect(await shown(page)).toEqual(alphagrams))
  expect(await box.inputValue()).toBe('')

  // 3 follows the order set in the preferences.
  await page.getByRole('button', { name: 'Preferences' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('textbox', { name: 'Custom letter order' }).fill(custom)
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  const saved = await page.evaluate(() => localStorage.getItem('ww.prefs'))
  expect(JSON.parse(saved ?? '{}')).toMatchObject({ order: custom })

  await box.click()
  await box.press('3')
  await eventually(async () => expect(await shown(page)).toEqual(alphagrams.map(inCustomOrder)))
  expect(await box.inputValue()).toBe('')

  // The box still takes words after all that.
  const word = h.words.answers(alphagrams[0])[0]
  expect(verdictOf(await guess(page, word, 'Enter'))).toBe('correct')
  expect(await box.inputValue()).toBe('')
  expect(await shown(page)).toEqual(alphagrams.map(inCustomOrder))

  // The order survives a reload, being a preference.
  await page.reload()
  await waitForWall(page, questions)
  await guessBox(page).press('3')
  await eventually(async () => expect(await shown(page)).toEqual(alphagrams.map(inCustomOrder)))
  host.close()
})

test('tab_and_enter_create_a_table_and_start_a_round', async () => {
  const lee = await h.open('lee')
  const page = lee.page
  await page.goto(`${h.server.origin}/`)

  await tabTo(page, page.getByRole('textbox', { name: 'Your name' }))
  await page.keyboard.type('Lee')
  await tabTo(page, page.getByRole('spinbutton', { name: 'Questions per round' }))
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type(String(questions))
  await tabTo(page, page.getByRole('button', { name: 'Create table' }))
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/t\/[A-Za-z0-9_-]+$/)

  const start = page.getByRole('button', { name: 'Start' })
  await start.waitFor()
  await eventually(async () => expect(await start.isEnabled()).toBe(true))
  await tabTo(page, start)
  await page.keyboard.press('Enter')
  await waitForWall(page, questions)

  // A new round puts the cursor in the guess box.
  await eventually(async () => {
    expect(await guessBox(page).evaluate((el) => el === document.activeElement)).toBe(true)
  })
})
