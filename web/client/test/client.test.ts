import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import WebSocket from 'ws'
import {
  TableClient,
  backoffMs,
  floodWaitMs,
  guessDecideMs,
  lostAfterMs,
  steadyAfterMs,
  type ChatEvent,
  type ClientState,
  type Command,
  type ServerMessage,
  type Settings,
  type SnapshotEvent,
  type SocketConstructor,
  type SolvedEvent,
  type TableClientOptions,
  type WelcomeEvent,
} from '../src'
import { ScriptServer, type ScriptConn } from './script-server'
import { event, vector } from './vectors'

const table = 'tbl_7s_4821'
const welcome = vector<WelcomeEvent>('event', 'welcome.json')
const snapshotCountdown = vector<SnapshotEvent>('event', 'snapshot-countdown.json') // seq 8
const snapshotRunning = vector<SnapshotEvent>('event', 'snapshot-running.json') // seq 12

function chat(seq: number, text = `line ${seq}`): ChatEvent {
  return { type: 'chat', seq, ts: 1767269000000 + seq, user_id: 'u_1042', text }
}

function solvedBy(seq: number, re: string, user = 'u_2077'): SolvedEvent {
  return {
    type: 'solved',
    seq,
    ts: 1767269120000,
    re,
    round: 1,
    solve: { index: 1, word: 'ENTRAIL', user_id: user, at_ms: 17000 },
    scores: [{ user_id: user, score: 2 }],
  }
}

// Harness is one client against one scripted server, with what the client
// asked for and sent.
interface Harness {
  client: TableClient
  tokens: string[] // every token handed out, in order
  sent: Command[] // every frame the client sent, parsed, in order
  events: number[] // the seq of every event onEvent saw
}

let server: ScriptServer
let harness: Harness | undefined

beforeEach(async () => {
  server = await ScriptServer.start()
})

afterEach(async () => {
  harness?.client.close()
  harness = undefined
  vi.useRealTimers()
  await server.stop()
})

// recording is the ws WebSocket, noting each frame as it is sent.
function recording(sent: Command[]): SocketConstructor {
  return class extends WebSocket {
    override send(data: string): void {
      sent.push(JSON.parse(data) as Command)
      super.send(data)
    }
  }
}

function newClient(opts: Partial<TableClientOptions> = {}): Harness {
  const tokens: string[] = []
  const sent: Command[] = []
  const client = new TableClient({
    url: server.url,
    table,
    token: () => {
      tokens.push(`tok-${tokens.length + 1}`)
      return tokens[tokens.length - 1] as string
    },
    WebSocket: recording(sent),
    random: () => 0,
    resendAfterMs: 60_000,
    ...opts,
  })
  const events: number[] = []
  client.onEvent((ev) => events.push(ev.seq))
  harness = { client, tokens, sent, events }
  return harness
}

// waitFor resolves with the client's state once pred holds.
function waitFor(client: TableClient, pred: (s: ClientState) => boolean): Promise<ClientState> {
  return new Promise((resolve) => {
    const check = () => {
      const s = client.getState()
      if (!pred(s)) return false
      stop()
      resolve(s)
      return true
    }
    const stop = client.subscribe(check)
    check()
  })
}

// connected connects h's client and greets it with welcome and msgs.
async function connected(h: Harness, ...msgs: ServerMessage[]): Promise<ScriptConn> {
  h.client.connect()
  const conn = await server.nextConn()
  conn.send(welcome, ...msgs)
  await waitFor(h.client, (s) => s.status === 'open')
  return conn
}

async function nextCommand(conn: ScriptConn): Promise<Command> {
  return (await conn.next()) as Command
}

function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(1767269200000)
}

describe('connecting', () => {
  it('takes the browser WebSocket and the ws one', () => {
    expectTypeOf<typeof globalThis.WebSocket>().toExtend<SocketConstructor>()
    expectTypeOf<typeof WebSocket>().toExtend<SocketConstructor>()
  })

  it('asks for a token and sends no since the first time', async () => {
    const h = newClient()
    h.client.connect()
    expect(h.client.getState().status).toBe('connecting')
    const conn = await server.nextConn()
    expect(conn.url.pathname).toBe(`/ws/${table}`)
    expect(conn.token).toBe('tok-1')
    expect(conn.since).toBeNull()
  })

  it('takes welcome, snapshot and events', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotCountdown)
    conn.send(event('round-started'))
    const s = await waitFor(h.client, (st) => st.seq === 9)
    expect(s.status).toBe('open')
    expect(s.me).toEqual(welcome.me)
    expect(s.table?.phase).toBe('running')
    expect(h.events).toEqual([9])
  })

  it('builds a young table from its whole history', async () => {
    const h = newClient()
    const history = [
      'opened',
      'joined',
      'host',
      'joined-player',
      'joined-spectator',
      'chat',
      'settings',
      'countdown',
    ].map(event)
    await connected(h, ...history)
    const s = await waitFor(h.client, (st) => st.seq === 8)
    expect(s.table).toStrictEqual(snapshotCountdown.table)
    expect(h.events).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('estimates the server clock from welcome', async () => {
    const h = newClient({ now: () => 1000 })
    await connected(h)
    expect(h.client.clock.serverNow()).toBe(welcome.ts)
  })

  it('keeps one state object until something changes', async () => {
    const h = newClient()
    // React calls these unbound.
    const { getState, subscribe } = h.client
    const first = getState()
    expect(getState()).toBe(first)
    let calls = 0
    const stop = subscribe(() => calls++)
    await connected(h)
    expect(getState()).not.toBe(first)
    expect(calls).toBeGreaterThan(0)
    stop()
    const seen = calls
    h.client.close()
    expect(calls).toBe(seen)
  })
})

describe('table events', () => {
  it('drops duplicates', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotCountdown)
    conn.send(event('countdown'), event('round-started'), event('round-started'), event('solved'))
    conn.send(event('solved'), event('countdown'), chat(11))
    await waitFor(h.client, (s) => s.seq === 11)
    expect(h.events).toEqual([9, 10, 11])
  })

  it('on a gap closes with 1000 and resumes from the last seq', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotCountdown, event('round-started'))
    await waitFor(h.client, (s) => s.seq === 9)
    conn.send(chat(11))
    expect(await conn.closed).toBe(1000)

    const again = await server.nextConn()
    expect(again.since).toBe('9')
    expect(h.client.getState().seq).toBe(9)
    again.send(welcome, event('solved'), chat(11))
    await waitFor(h.client, (s) => s.seq === 11)
    expect(h.events).toEqual([9, 10, 11])
  })

  it('a snapshot replaces the table, even an older one', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    await waitFor(h.client, (s) => s.seq === 12)
    conn.send(snapshotCountdown)
    const s = await waitFor(h.client, (st) => st.seq === 8)
    expect(s.table).toStrictEqual(snapshotCountdown.table)
    expect(h.events).toEqual([])
  })

  it('keeps the chat it has seen', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    conn.send(chat(13, 'gg'))
    const s = await waitFor(h.client, (st) => st.seq === 13)
    expect(s.chat.map((c) => c.seq)).toEqual([6, 12, 13])
    conn.send(snapshotRunning)
    const after = await waitFor(h.client, (st) => st.seq === 12)
    expect(after.chat.map((c) => c.seq)).toEqual([6, 12])
  })
})

describe('guess outcome', () => {
  it.each([
    ['wrong', 'wrong'],
    ['already_solved', 'already_solved'],
    ['too_late', 'too_late'],
    ['not_running', 'not_running'],
    ['spectator', 'spectator'],
    ['bad_request', 'invalid'],
    ['no_table', 'unknown'],
  ])('reply %s gives %s', async (code, outcome) => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.guess('retainer')
    const cmd = await nextCommand(conn)
    expect(cmd).toEqual({ type: 'guess', id: cmd.id, word: 'retainer' })
    conn.send({ type: 'ack', re: cmd.id }, { type: 'reply', re: cmd.id, code, message: 'no' })
    expect(await result).toBe(outcome)
    expect(h.client.getState().notices).toEqual([])
  })

  it('is solved by the solved event that names it, before or after the ack', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.guess('entrail')
    const cmd = await nextCommand(conn)
    conn.send(solvedBy(13, cmd.id), { type: 'ack', re: cmd.id })
    expect(await result).toBe('solved')
    expect(h.events).toEqual([13])
  })

  it("is not solved by another user's event with the same id", async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.guess('entrail')
    const cmd = await nextCommand(conn)
    conn.send(solvedBy(13, cmd.id, 'u_1042'), {
      type: 'reply',
      re: cmd.id,
      code: 'already_solved',
      message: 'x',
    })
    expect(await result).toBe('already_solved')
  })

  it('is invalid after error bad_request', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.guess('x')
    const cmd = await nextCommand(conn)
    conn.send({ type: 'error', re: cmd.id, code: 'bad_request', message: 'bad' })
    expect(await result).toBe('invalid')
  })

  it(`is unknown ${guessDecideMs} ms after its ack without a verdict`, async () => {
    useFakeClock()
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    let outcome: string | undefined
    void h.client.guess('entrail').then((o) => (outcome = o))
    const cmd = await nextCommand(conn)
    conn.send({ type: 'ack', re: cmd.id })
    await waitFor(h.client, (s) => s.pending === 0)
    await vi.advanceTimersByTimeAsync(guessDecideMs - 1)
    expect(outcome).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome).toBe('unknown')
  })
})

describe('commands', () => {
  it('start is ok at its ack, and a later reply is a notice', async () => {
    const h = newClient({ now: () => 4242 })
    const conn = await connected(h, snapshotRunning)
    const result = h.client.start()
    const cmd = await nextCommand(conn)
    expect(cmd).toEqual({ type: 'start', id: cmd.id })
    expect(h.client.getState().pending).toBe(1)
    conn.send({ type: 'ack', re: cmd.id })
    expect(await result).toEqual({ ok: true })
    expect(h.client.getState().pending).toBe(0)

    conn.send({ type: 'reply', re: cmd.id, code: 'busy', message: 'a round is already under way' })
    const s = await waitFor(h.client, (st) => st.notices.length === 1)
    expect(s.notices).toEqual([
      { id: cmd.id, code: 'busy', message: 'a round is already under way', at: 4242 },
    ])
  })

  it('a reply before the ack refuses the command and is a notice', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.giveUp()
    const cmd = await nextCommand(conn)
    conn.send({ type: 'reply', re: cmd.id, code: 'not_host', message: 'only the host' })
    expect(await result).toEqual({ ok: false, code: 'not_host', message: 'only the host' })
    expect(h.client.getState().notices.map((n) => n.code)).toEqual(['not_host'])
  })

  it('an error refuses the command', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.chat('hello')
    const cmd = await nextCommand(conn)
    expect(cmd).toEqual({ type: 'chat', id: cmd.id, text: 'hello' })
    conn.send({ type: 'error', re: cmd.id, code: 'bad_request', message: 'no' })
    expect(await result).toEqual({ ok: false, code: 'bad_request', message: 'no' })
  })

  it('an unasked no_table reply is a notice', async () => {
    const h = newClient()
    await connected(h, vector<ServerMessage>('event', 'reply-no-table-on-join.json'))
    const s = await waitFor(h.client, (st) => st.notices.length === 1)
    expect(s.notices[0]).toMatchObject({ id: '', code: 'no_table' })
  })

  it('ids are one prefix and a counter', async () => {
    const h = newClient({ random: () => 0.5 })
    const conn = await connected(h)
    void h.client.start()
    void h.client.chat('a')
    const a = await nextCommand(conn)
    const b = await nextCommand(conn)
    const [prefix, n] = a.id.split('-')
    expect(prefix).toMatch(/^[0-9a-z]{6}$/)
    expect(b.id).toBe(`${prefix}-${Number(n) + 1}`)
  })

  it('refuses without sending what the server would refuse', async () => {
    const h = newClient()
    const conn = await connected(h)
    const bad = { ok: false, code: 'bad_request' }
    expect(await h.client.guess('   ')).toBe('invalid')
    expect(await h.client.guess('é'.repeat(33))).toBe('invalid') // 66 bytes
    expect(await h.client.chat(' \t ')).toMatchObject(bad)
    expect(await h.client.chat('two\nlines')).toMatchObject(bad)
    expect(await h.client.chat('x'.repeat(281))).toMatchObject(bad)
    const settings: Settings = { questions_per_round: 5, time_limit: 60, public: true }
    expect(await h.client.settings(settings)).toMatchObject(bad)
    expect(
      await h.client.settings({ ...settings, questions_per_round: 50, time_limit: 1.5 }),
    ).toMatchObject(bad)
    expect(h.sent).toEqual([])

    // Only the settings fields are sent, whatever else the object holds.
    const extra = { ...settings, questions_per_round: 50, name: 'x' }
    void h.client.settings(extra)
    const cmd = await nextCommand(conn)
    expect(cmd).toEqual({
      type: 'settings',
      id: cmd.id,
      settings: { ...settings, questions_per_round: 50 },
    })
  })

  it('resends with the same id after resendAfterMs until answered', async () => {
    useFakeClock()
    const h = newClient({ resendAfterMs: 5000 })
    const conn = await connected(h, snapshotRunning)
    const result = h.client.start()
    const first = await nextCommand(conn)
    await vi.advanceTimersByTimeAsync(4999)
    expect(h.sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(h.sent).toEqual([first, first])
    expect(await nextCommand(conn)).toEqual(first)

    conn.send({ type: 'ack', re: first.id })
    expect(await result).toEqual({ ok: true })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(h.sent).toHaveLength(2)
  })

  it('resends a rate-limited command with the same id a second later', async () => {
    useFakeClock()
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const result = h.client.guess('entrail')
    const first = await nextCommand(conn)
    // The chat event after the error shows when the client has read it.
    conn.send({ type: 'error', re: first.id, code: 'rate_limited', message: 'slow down' }, chat(13))
    await waitFor(h.client, (st) => st.seq === 13)
    expect(h.client.getState().pending).toBe(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(h.sent).toEqual([first])
    await vi.advanceTimersByTimeAsync(1)
    expect(h.sent).toEqual([first, first])
    conn.send({ type: 'ack', re: first.id }, solvedBy(14, first.id))
    expect(await result).toBe('solved')
  })

  it('drops commands unanswered after two minutes', async () => {
    useFakeClock()
    const h = newClient({ resendAfterMs: 5000 })
    const conn = await connected(h, snapshotRunning)
    const guess = h.client.guess('entrail')
    const start = h.client.start()
    await nextCommand(conn)
    await nextCommand(conn)
    await vi.advanceTimersByTimeAsync(lostAfterMs)
    expect(await guess).toBe('unknown')
    expect(await start).toMatchObject({ ok: false, code: 'lost' })
    expect(h.client.getState().pending).toBe(0)
    const count = h.sent.length
    await vi.advanceTimersByTimeAsync(lostAfterMs)
    expect(h.sent).toHaveLength(count)
  })
})

describe('reconnecting', () => {
  it('resends unanswered commands with the same ids on the new connection', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    const guess = h.client.guess('entrail')
    const first = await nextCommand(conn)
    conn.close(1001, 'bridge shutting down')
    await waitFor(h.client, (s) => s.status === 'reconnecting')
    const chatResult = h.client.chat('back soon')

    const again = await server.nextConn()
    expect(again.since).toBe('12')
    expect(again.token).toBe('tok-2')
    again.send(welcome)
    expect(await nextCommand(again)).toEqual(first)
    const second = await nextCommand(again)
    expect(second).toMatchObject({ type: 'chat', text: 'back soon' })
    expect(h.sent.filter((c) => c.id === first.id)).toHaveLength(2)

    again.send({ type: 'ack', re: first.id }, solvedBy(13, first.id), {
      type: 'ack',
      re: second.id,
    })
    expect(await guess).toBe('solved')
    expect(await chatResult).toEqual({ ok: true })
  })

  it('sends nothing before welcome', async () => {
    const h = newClient()
    const conn = await connected(h)
    void h.client.start()
    await nextCommand(conn)
    conn.close(1011)
    const again = await server.nextConn()
    await waitFor(h.client, (s) => s.status === 'reconnecting')
    expect(h.sent).toHaveLength(1)
    again.send(welcome)
    await nextCommand(again)
    expect(h.sent).toHaveLength(2)
  })

  it.each([4001, 4003])('stops for good on %i', async (code) => {
    useFakeClock()
    const h = newClient()
    h.client.connect()
    const conn = await server.nextConn()
    const guess = h.client.guess('entrail')
    conn.close(code, 'refused')
    const s = await waitFor(h.client, (st) => st.status === 'closed')
    expect(s.closed).toEqual({ code, reason: 'refused' })
    expect(s.retryAt).toBeUndefined()
    expect(await guess).toBe('unknown')
    await vi.runAllTimersAsync()
    expect(h.tokens).toEqual(['tok-1'])
    expect(server.conns).toHaveLength(1)
  })

  it('asks for a new token after 4002', async () => {
    const h = newClient()
    const conn = await connected(h, snapshotRunning)
    conn.close(4002, 'token expired')
    const again = await server.nextConn()
    expect(again.token).toBe('tok-2')
    expect(again.since).toBe('12')
  })

  it(`waits at least ${floodWaitMs} ms after 4029`, async () => {
    useFakeClock()
    const h = newClient()
    const conn = await connected(h)
    conn.close(4029, 'too many refused commands')
    const s = await waitFor(h.client, (st) => st.retryAt !== undefined)
    expect(s.retryAt).toBe(Date.now() + floodWaitMs)
    await vi.advanceTimersByTimeAsync(floodWaitMs - 1)
    expect(h.tokens).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(h.tokens).toHaveLength(2)
    await server.nextConn()
  })

  it('backs off with jitter, growing to 30 s, and starts over after a minute up', async () => {
    useFakeClock()
    const jitter = [0.9, 0.5, 1, 0.25, 0.75, 1, 0.5, 1, 0.3, 0.6]
    let draws = 0
    // The first draw makes the id prefix; each wait takes the next.
    const random = () => (draws++ === 0 ? 0.123 : (jitter[(draws - 2) % jitter.length] as number))
    const h = newClient({ random })
    h.client.connect()

    const waits: number[] = []
    for (let n = 0; n < 9; n++) {
      const conn = await server.nextConn()
      conn.close(1011, 'internal error')
      const s = await waitFor(h.client, (st) => st.retryAt !== undefined)
      expect(s.status).toBe('reconnecting')
      const wait = (s.retryAt as number) - Date.now()
      waits.push(wait)
      await vi.advanceTimersByTimeAsync(wait)
    }
    const caps = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
    expect(waits).toEqual(caps.map((cap, n) => Math.round((jitter[n] as number) * cap)))

    // A minute up resets the backoff.
    const conn = await server.nextConn()
    conn.send(welcome)
    await waitFor(h.client, (s) => s.status === 'open')
    await vi.advanceTimersByTimeAsync(steadyAfterMs)
    conn.close(1001)
    const s = await waitFor(h.client, (st) => st.retryAt !== undefined)
    expect((s.retryAt as number) - Date.now()).toBe(Math.round((jitter[9] as number) * 500))
  })

  it('backoffMs is a random share of min(30 s, 0.5 s × 2^n)', () => {
    expect([0, 1, 2, 5, 6, 7, 20].map((n) => backoffMs(n, () => 1))).toEqual([
      500, 1000, 2000, 16000, 30000, 30000, 30000,
    ])
    expect(backoffMs(3, () => 0)).toBe(0)
    expect(backoffMs(3, () => 0.5)).toBe(2000)
  })

  it('close() stops and settles what is pending', async () => {
    const h = newClient()
    await connected(h)
    const start = h.client.start()
    h.client.close()
    expect(h.client.getState()).toMatchObject({ status: 'closed', pending: 0 })
    expect(h.client.getState().closed?.code).toBe(1000)
    expect(await start).toMatchObject({ ok: false, code: 'closed' })
    expect(await h.client.guess('late')).toBe('unknown')
  })
})
