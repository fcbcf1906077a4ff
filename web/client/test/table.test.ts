import { describe, expect, it } from 'vitest'
import {
  applyEvent,
  chatKept,
  emptyTable,
  type ChatEvent,
  type SolvedEvent,
  type TableEvent,
  type TableView,
} from '../src'
import { event, snapshotTable } from './vectors'

const table = 'tbl_7s_4821'

// The first round at the vectors' table, as events: César opens the table,
// ana_b and Mo arrive, the round runs, and Mo leaves once it is over.
const untilCountdown: TableEvent[] = [
  event('opened'),
  event('joined'),
  event('host'),
  event('joined-player'),
  event('joined-spectator'),
  event('chat'),
  event('settings'),
  event('countdown'),
]

function solved(seq: number, re: string, index: number, word: string, user: string, at: number) {
  const ev: SolvedEvent = {
    type: 'solved',
    seq,
    ts: 1767269103000 + at,
    re,
    round: 1,
    solve: { index, word, user_id: user, at_ms: at },
    scores: [{ user_id: user, score: seq <= 11 ? 1 : 2 }],
  }
  return ev
}

const moChat: ChatEvent = {
  type: 'chat',
  seq: 12,
  ts: 1767269114500,
  user_id: 'u_3310',
  text: 'nice STEARIN 👀',
}

const untilRunning: TableEvent[] = [
  ...untilCountdown,
  event('round-started'),
  event('solved'),
  solved(11, 'm1x-7', 0, 'STEARIN', 'u_1042', 9875),
  moChat,
]

const untilOver: TableEvent[] = [
  ...untilRunning,
  solved(13, 'g-31', 2, 'TRAINED', 'u_2077', 15320),
  solved(14, 'm1x-9', 1, 'LATRINE', 'u_1042', 22040),
  event('round-over-time'),
  event('left'),
]

function replay(events: TableEvent[], from: TableView = emptyTable(table)): TableView {
  return events.reduce(applyEvent, from)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

describe('applyEvent', () => {
  it('emptyTable is seq 0, idle, with nobody', () => {
    const v = emptyTable(table)
    expect(v).toMatchObject({ id: table, seq: 0, phase: 'idle', round: 0, players: [] })
    expect(v.wall).toEqual([])
    expect(v.solves).toEqual([])
    expect(v.host).toBeUndefined()
  })

  it('replays to the countdown snapshot', () => {
    expect(replay(untilCountdown)).toStrictEqual(snapshotTable('snapshot-countdown'))
  })

  it('replays to the running snapshot', () => {
    expect(replay(untilRunning)).toStrictEqual(snapshotTable('snapshot-running'))
  })

  it('continues from a snapshot as from the events', () => {
    const rest = untilOver.slice(untilCountdown.length)
    expect(replay(rest, snapshotTable('snapshot-countdown'))).toStrictEqual(replay(untilOver))
  })

  it('keeps solves grouped by tile while running', () => {
    const v = replay(untilOver.slice(0, 14))
    expect(v.solves.map((s) => s.word)).toEqual(['RETINAS', 'STEARIN', 'LATRINE', 'TRAINED'])
    expect(v.players.map((p) => [p.id, p.score, p.last_word])).toEqual([
      ['u_1042', 2, 'LATRINE'],
      ['u_2077', 2, 'TRAINED'],
      ['u_3310', 0, undefined],
    ])
  })

  it('replays to the idle snapshot, with the wall put away', () => {
    // Between rounds the server's view has no wall and no solves (rooms/view.go);
    // the round's tiles and finds are in answers.
    const want = { ...snapshotTable('snapshot-idle'), wall: [], solves: [] }
    expect(replay(untilOver)).toStrictEqual(want)
  })

  it('starts a round from zero and keeps the last answers until it ends', () => {
    const over = replay(untilOver)
    const countdown = applyEvent(over, {
      type: 'countdown',
      seq: 17,
      ts: 1,
      round: 2,
      starts_at: 5,
    })
    expect(countdown).toMatchObject({ phase: 'countdown', round: 2, starts_at: 5 })
    expect(countdown.answers).toBe(over.answers)
    expect(countdown.players.map((p) => p.score)).toEqual([2, 2, 0])

    const started = applyEvent(countdown, {
      type: 'round_started',
      seq: 18,
      ts: 5,
      round: 2,
      deadline: 9,
      wall: [{ index: 0, alphagram: 'ADEINRT', answers: 2 }],
    })
    expect(started).toMatchObject({ phase: 'running', round: 2, deadline: 9 })
    expect(started.starts_at).toBeUndefined()
    expect(started.answers).toBe(over.answers)
    expect(started.players.map((p) => [p.score, 'last_word' in p])).toEqual([
      [0, false],
      [0, false],
      [0, false],
    ])
  })

  it('cancelled goes back between rounds', () => {
    const countdown = replay(untilCountdown)
    const v = applyEvent(countdown, {
      type: 'cancelled',
      seq: 9,
      ts: 1767269101000,
      round: 1,
      reason: 'give_up',
    })
    expect(v).toMatchObject({ phase: 'idle', round: 1, wall: [], solves: [] })
    expect(v.starts_at).toBeUndefined()
  })

  it('host without user_id leaves no host', () => {
    const v = applyEvent(replay(untilCountdown), { type: 'host', seq: 9, ts: 1 })
    expect('host' in v).toBe(false)
  })

  it('left keeps the player, absent, with the score', () => {
    const v = applyEvent(replay(untilOver.slice(0, 14)), {
      type: 'left',
      seq: 15,
      ts: 1,
      user_id: 'u_2077',
    })
    expect(v.players[1]).toEqual({ ...v.players[1], present: false, score: 2 })
  })

  it('joined again replaces the player in place', () => {
    const before = replay(untilOver)
    const v = applyEvent(before, event('joined-returning'))
    expect(v.players.map((p) => [p.id, p.present])).toEqual([
      ['u_1042', true],
      ['u_2077', true],
      ['u_3310', true],
    ])
  })

  it(`keeps the last ${chatKept} chat events`, () => {
    let v = replay(untilCountdown)
    for (let i = 0; i < 30; i++) {
      v = applyEvent(v, { type: 'chat', seq: 9 + i, ts: 1, user_id: 'u_1042', text: `line ${i}` })
    }
    expect(v.chat).toHaveLength(chatKept)
    expect(v.chat?.[0]?.text).toBe('line 10')
    expect(v.chat?.at(-1)?.text).toBe('line 29')
  })

  it('changes neither the view nor the event', () => {
    const events = deepFreeze(structuredClone(untilOver))
    const start = deepFreeze(emptyTable(table))
    const views: TableView[] = [start]
    for (const ev of events) {
      const prev = views.at(-1) as TableView
      views.push(deepFreeze(applyEvent(prev, ev)))
    }
    expect(views.at(-1)).toStrictEqual(replay(untilOver))
    expect(start).toStrictEqual(emptyTable(table))
  })
})
