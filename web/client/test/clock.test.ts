import { describe, expect, it } from 'vitest'
import { ServerClock } from '../src'

// fakeNow is a local clock the test moves by hand.
function fakeNow(start: number) {
  const clock = { t: start, now: () => clock.t }
  return clock
}

describe('ServerClock', () => {
  it('is the local clock before any sample', () => {
    const local = fakeNow(1000)
    const c = new ServerClock(local.now)
    expect(c.serverNow()).toBe(1000)
  })

  it('takes the largest sample as the offset', () => {
    const local = fakeNow(1000)
    const c = new ServerClock(local.now)
    c.observe(1500) // sample 500
    expect(c.serverNow()).toBe(1500)
    c.observe(1200) // sample 200: a slower message, ignored
    expect(c.serverNow()).toBe(1500)
    local.t = 2000
    c.observe(2700) // sample 700
    expect(c.serverNow()).toBe(2700)
  })

  it('reset forgets the offset', () => {
    const local = fakeNow(1000)
    const c = new ServerClock(local.now)
    c.observe(5000)
    c.reset()
    expect(c.serverNow()).toBe(1000)
    c.observe(900)
    expect(c.serverNow()).toBe(900)
  })

  it('never goes back while samples come', () => {
    const local = fakeNow(0)
    const c = new ServerClock(local.now)
    const samples = [30, 10, 45, 20, 44, 60, 0, 59]
    let last = -Infinity
    for (const [i, s] of samples.entries()) {
      local.t = i * 100
      c.observe(local.t + s)
      expect(c.serverNow()).toBeGreaterThanOrEqual(last)
      last = c.serverNow()
    }
  })

  it.each([
    // remaining ms, secondsLeft, msUntilNextSecond
    [10_000, 10, 1000],
    [9_999, 10, 999],
    [9_001, 10, 1],
    [9_000, 9, 1000],
    [1_500, 2, 500],
    [1, 1, 1],
    [0, 0, 1000],
    [-250, 0, 1000],
  ])('with %i ms left: %i seconds, next change in %i ms', (left, seconds, next) => {
    const local = fakeNow(50_000)
    const c = new ServerClock(local.now)
    const deadline = 50_000 + left
    expect(c.remainingMs(deadline)).toBe(Math.max(0, left))
    expect(c.secondsLeft(deadline)).toBe(seconds)
    expect(c.msUntilNextSecond(deadline)).toBe(next)
  })

  it('ticks exactly on each second down to zero', () => {
    const local = fakeNow(0)
    const c = new ServerClock(local.now)
    c.observe(333) // the server is 333 ms ahead
    const deadline = 333 + 3_250
    const shown: number[] = [c.secondsLeft(deadline)]
    while (c.secondsLeft(deadline) > 0) {
      local.t += c.msUntilNextSecond(deadline)
      shown.push(c.secondsLeft(deadline))
    }
    expect(shown).toEqual([4, 3, 2, 1, 0])
    expect(c.remainingMs(deadline)).toBe(0)
  })

  it('does not count back up when a larger sample comes', () => {
    const local = fakeNow(0)
    const c = new ServerClock(local.now)
    c.observe(0)
    const deadline = 10_000
    const before = c.secondsLeft(deadline)
    c.observe(400)
    expect(c.secondsLeft(deadline)).toBeLessThanOrEqual(before)
  })
})
