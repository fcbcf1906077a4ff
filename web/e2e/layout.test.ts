import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { desktop, phone } from './browser.ts'
import { useHarness } from './harness.ts'
import { guess, guessBox, joinByLink, readWall, verdictOf, waitForWall } from './table-page.ts'
import { hostTable } from './wire.ts'

// The same round on a phone and on a desktop: the wall fits the screen,
// nothing scrolls sideways, and the guess box stays at hand.

const h = useHarness()

const questions = 15

/** Columns of the wall: tiles sharing the first row's top edge. */
async function columns(page: Page): Promise<number> {
  const tiles = await readWall(page)
  const top = Math.min(...tiles.map((t) => t.y))
  return new Set(tiles.filter((t) => Math.abs(t.y - top) < 4).map((t) => t.x)).size
}

interface Box {
  left: number
  right: number
  top: number
  bottom: number
}

function overlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
}

/** Where each tile, its letters and its count sit on the screen. */
async function tileBoxes(page: Page) {
  return page.getByTestId('tile').evaluateAll((els) =>
    els.map((el) => {
      // The drawn extent of an element's contents, which may spill out of
      // the element's own box.
      const box = (e: Element | null) => {
        const range = document.createRange()
        range.selectNodeContents(e ?? el)
        const b = range.getBoundingClientRect()
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }
      }
      const edges = (e: Element) => {
        const b = e.getBoundingClientRect()
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }
      }
      const letters = el.querySelector('[data-testid="tile-letters"]')
      // The count with whatever is drawn around it: its largest container
      // that does not also hold the letters.
      let badge = el.querySelector('[data-testid="tile-count"]')
      while (
        badge?.parentElement &&
        badge.parentElement !== el &&
        !badge.parentElement.contains(letters)
      ) {
        badge = badge.parentElement
      }
      return {
        text: letters?.textContent ?? '',
        tile: edges(el),
        letters: box(letters),
        count: edges(badge ?? el),
      }
    }),
  )
}

async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.scrollingElement!.scrollWidth > window.innerWidth)
}

test.each([7, 8])('the_wall_fits_a_phone_and_a_desktop_with_%i_letters', async (length) => {
  const { host, link } = await hostTable(h.server.origin, {
    length,
    questions_per_round: questions,
  })
  const big = await h.open('desktop', desktop)
  const small = await h.open('phone', phone)
  await joinByLink(big.page, link, 'Dee')
  await joinByLink(small.page, link, 'Pia')
  expect(await scrollsSideways(small.page), 'phone scrolls sideways before the round').toBe(false)

  await host.startRound()
  const wall = await waitForWall(big.page, questions)
  await waitForWall(small.page, questions)

  expect.soft(await columns(big.page), 'columns on a desktop').toBe(5)
  expect(await scrollsSideways(big.page), 'desktop scrolls sideways').toBe(false)

  const phoneColumns = await columns(small.page)
  expect.soft(phoneColumns, 'columns on a phone').toBeLessThan(5)
  expect(phoneColumns).toBeGreaterThan(0)
  expect(await scrollsSideways(small.page), 'phone scrolls sideways').toBe(false)

  // The guess box is on screen and takes a word typed after a tap.
  const box = guessBox(small.page)
  await box.tap()
  const r = await box.boundingBox()
  expect(r).not.toBeNull()
  expect(r!.x).toBeGreaterThanOrEqual(0)
  expect(r!.x + r!.width).toBeLessThanOrEqual(390)
  expect(r!.y).toBeGreaterThanOrEqual(0)
  expect(r!.y + r!.height).toBeLessThanOrEqual(844)

  // One tile cleared, another started: both looks a tile can have.
  const words = [...h.words.answers(wall[0].alphagram), h.words.answers(wall[1].alphagram)[0]]
  for (const [i, word] of words.entries()) {
    expect(verdictOf(await guess(small.page, word, i % 2 ? 'Space' : 'Enter'))).toBe('correct')
  }
  expect(await scrollsSideways(small.page), 'phone scrolls sideways with words solved').toBe(false)

  // Every tile is inside the screen's width, and its answer count does
  // not cover its letters.
  for (const [page, width] of [
    [small.page, 390],
    [big.page, 1280],
  ] as const) {
    const boxes = await tileBoxes(page)
    const outside = boxes.filter((t) => t.tile.left < 0 || t.tile.right > width)
    const covered = boxes.filter((t) => overlap(t.letters, t.count))
    const spilled = boxes.filter(
      (t) => t.letters.right > t.tile.right || t.letters.left < t.tile.left,
    )
    const names = (ts: typeof boxes) => ts.map((t) => t.text)
    expect.soft(names(outside), `tiles outside the ${width} px screen`).toEqual([])
    expect.soft(names(covered), `tiles whose count covers their letters at ${width} px`).toEqual([])
    expect.soft(names(spilled), `tiles whose letters spill out at ${width} px`).toEqual([])
  }

  // The solutions fit the phone too.
  const gaveUp = await host.giveUp()
  expect(gaveUp.type).toBe('ack')
  await small.page.getByRole('table', { name: 'Solutions' }).waitFor()
  expect(await scrollsSideways(small.page), 'phone scrolls sideways with solutions').toBe(false)
  host.close()
})
