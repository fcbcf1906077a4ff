import { expect, test } from 'vitest'
import { useHarness } from './harness.ts'
import {
  createFromLobby,
  eventually,
  joinByLink,
  waitConnected,
  waitForWall,
} from './table-page.ts'
import { serverView } from './wire.ts'

// The host changes the table's settings between rounds, and the next round
// follows them; other players have no settings to change.

const h = useHarness()

test('the_host_changes_settings_for_the_next_round', async () => {
  const ana = await h.open('ana')
  const bo = await h.open('bo')
  await ana.page.goto(`${h.server.origin}/`)
  const table = await createFromLobby(ana.page, 'Ana', {
    length: 7,
    probMin: 1,
    probMax: 100,
    questions: 10,
    timeLimit: 300,
    public: false,
  })
  await waitConnected(ana.page)
  await joinByLink(bo.page, `${h.server.origin}/t/${table}`, 'Bo')
  await waitConnected(bo.page)

  const form = ana.page.getByRole('form', { name: 'Table settings' })
  await ana.page.getByText('Table settings').click()
  await form.getByRole('spinbutton', { name: 'Questions per round' }).fill('12')
  await form.getByRole('spinbutton', { name: 'Time limit (seconds)' }).fill('45')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await form.getByText('Saved').waitFor()
  await eventually(async () =>
    expect((await serverView(h.server.origin, table)).settings).toEqual({
      questions_per_round: 12,
      time_limit: 45,
      public: false,
    }),
  )
  expect(await bo.page.getByRole('form', { name: 'Table settings' }).count()).toBe(0)

  // The round that follows has 12 tiles and at most 45 seconds, for both.
  await ana.page.getByRole('button', { name: 'Start' }).click()
  for (const p of [ana, bo]) {
    await waitForWall(p.page, 12)
    await eventually(async () => {
      const [m, s] = ((await p.page.getByTestId('clock').textContent()) ?? '').split(':')
      const left = Number(m) * 60 + Number(s)
      expect(left).toBeGreaterThan(0)
      expect(left).toBeLessThanOrEqual(45)
    })
  }
})
