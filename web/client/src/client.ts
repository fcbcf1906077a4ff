import { ServerClock } from './clock'
import type {
  AckEvent,
  ChatEvent,
  Command,
  ErrorEvent,
  Player,
  ReplyEvent,
  Settings,
  SnapshotEvent,
  TableEvent,
  TableView,
  WelcomeEvent,
} from './messages.gen'
import { applyEvent, emptyTable } from './table'
import { commandProblem, isTableEvent, parseServerMessage } from './wire'

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** A refusal the server sent that no promise reports: see ClientState.notices. */
export interface Notice {
  /** The refused command's id; empty when the server named none. */
  id: string
  code: string
  message: string
  /** When it arrived, by the client's now(). */
  at: number
}

/** Everything a table page shows; a new object whenever anything changes. */
export interface ClientState {
  status: ConnectionStatus
  /** Why the client stopped, once status is 'closed'. */
  closed?: { code: number; reason: string }
  /** The user as the server sees them, from the latest welcome. */
  me?: Player
  /** The table; undefined until the first snapshot or table event. */
  table?: TableView
  /** The seq of the last table event applied. */
  seq: number
  /** Every chat event the client has seen, oldest first; the last 200. */
  chat: ChatEvent[]
  /**
   * Refusals of non-guess commands (reply codes such as not_host or busy,
   * and errors), plus an unasked no_table reply; the last 20.
   */
  notices: Notice[]
  /** Commands sent but not yet answered by ack, reply, error or solved. */
  pending: number
  /** While status is 'reconnecting': when, by now(), the next attempt starts. */
  retryAt?: number
}

export type GuessOutcome =
  | 'solved'
  | 'wrong'
  | 'already_solved'
  | 'too_late'
  | 'not_running'
  | 'spectator'
  | 'invalid'
  | 'rate_limited'
  | 'unknown'

export type CommandResult = { ok: true } | { ok: false; code: string; message: string }

type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack']

/**
 * The part of the WebSocket API the client uses. The browser's WebSocket
 * and the ws package's both fit it.
 */
export interface SocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  onmessage: Handler<{ data: unknown }> | null
  onclose: Handler<{ code: number; reason: string }> | null
  onerror: Handler<unknown> | null
}

export type SocketConstructor = new (url: string) => SocketLike

export interface TableClientOptions {
  /** WebSocket base, e.g. "ws://127.0.0.1:8080"; the client adds /ws/{table}. */
  url: string
  table: string
  /** Called before every connection attempt for a fresh join token. */
  token: () => string | Promise<string>
  /** Default globalThis.WebSocket; pass the ws package's in Node. */
  WebSocket?: SocketConstructor
  /** Local time in ms since the Unix epoch; default Date.now. */
  now?: () => number
  /** A number in [0, 1) for ids and backoff jitter; default Math.random. */
  random?: () => number
  /** Resend an unanswered command after this many ms; default 5000. */
  resendAfterMs?: number
}

/** A command older than this is no longer resent: the server forgets its id. */
export const lostAfterMs = 120_000
/** How long after its ack a guess may wait for its solved event or reply. */
export const guessDecideMs = 10_000
/** A connection up this long resets the backoff. */
export const steadyAfterMs = 60_000
/** The least wait after a 4029 close. */
export const floodWaitMs = 5_000
const rateLimitedRetryMs = 1_000
const clientChatKept = 200
const noticesKept = 20

const guessReplies: ReadonlySet<string> = new Set<GuessOutcome>([
  'wrong',
  'already_solved',
  'too_late',
  'not_running',
  'spectator',
])

/**
 * Returns the wait before reconnection attempt n (from 0): a random time
 * between 0 and min(30 s, 0.5 s × 2^n).
 */
export function backoffMs(n: number, random: () => number): number {
  return random() * Math.min(30_000, 500 * 2 ** n)
}

/** Returns the WebSocket base for a page address: http→ws, https→wss, same host. */
export function socketBase(pageUrl: string): string {
  const u = new URL(pageUrl)
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`
}

type Timer = ReturnType<typeof setTimeout>

// A command on its way. It is resent until answered and remembered until
// lostAfterMs after it was first sent, so that late replies find it.
interface Entry {
  cmd: Command
  sentAt: number
  answered: boolean
  done: boolean
  // Refused as rate_limited the last time it was sent.
  limited: boolean
  timer: Timer | undefined
  settle: (result: CommandResult, outcome: GuessOutcome) => void
}

/**
 * TableClient keeps one connection to a table: it reconnects with backoff,
 * applies table events in seq order, and resends commands until they are
 * answered. Its state is for React's useSyncExternalStore:
 *
 *     const state = useSyncExternalStore(client.subscribe, client.getState)
 */
export class TableClient {
  readonly clock: ServerClock

  private readonly opts: TableClientOptions
  private readonly now: () => number
  private readonly random: () => number
  private readonly resendAfterMs: number
  private readonly idPrefix: string
  private nextId = 0

  private state: ClientState = { status: 'connecting', seq: 0, chat: [], notices: [], pending: 0 }
  private readonly listeners = new Set<() => void>()
  private readonly eventListeners = new Set<(ev: TableEvent) => void>()
  private readonly entries = new Map<string, Entry>()

  private running = false
  private dials = 0 // counts dial() calls; a stale one sees a newer count and gives up
  private failures = 0 // the n of the backoff
  private socket: SocketLike | undefined
  private live = false // the socket has said welcome
  private retryTimer: Timer | undefined
  private steadyTimer: Timer | undefined

  constructor(opts: TableClientOptions) {
    this.opts = opts
    this.now = opts.now ?? Date.now
    this.random = opts.random ?? Math.random
    this.resendAfterMs = opts.resendAfterMs ?? 5000
    this.clock = new ServerClock(this.now)
    this.idPrefix = Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')
  }

  /** Starts connecting, unless already connected or connecting. */
  connect(): void {
    if (this.running) return
    this.running = true
    this.failures = 0
    this.update({ status: 'connecting', closed: undefined })
    void this.dial()
  }

  /** Closes the connection for good: status 'closed', no reconnecting. */
  close(): void {
    this.stop(1000, 'closed by the client')
  }

  /** The current state: the same object until something changes. */
  getState = (): ClientState => this.state

  /** Calls fn after every change of state; returns the function that stops it. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /**
   * Calls fn with each table event applied, once each and in order; events
   * that a snapshot folds in are not seen. Returns the function that stops it.
   */
  onEvent = (fn: (ev: TableEvent) => void): (() => void) => {
    this.eventListeners.add(fn)
    return () => this.eventListeners.delete(fn)
  }

  /**
   * Sends a guess and resolves with what became of it: 'solved' when the
   * solved event for it arrives, a reply's code, 'invalid' if it cannot be
   * sent, 'unknown' if nothing tells within guessDecideMs of the ack or it
   * is lost.
   */
  guess(word: string): Promise<GuessOutcome> {
    return new Promise((resolve) =>
      this.submit({ type: 'guess', id: this.newId(), word }, (_, outcome) => resolve(outcome)),
    )
  }

  /** Asks to start a round; ok once the server has the command. */
  start(): Promise<CommandResult> {
    return this.request({ type: 'start', id: this.newId() })
  }

  /** Asks to end the running round; ok once the server has the command. */
  giveUp(): Promise<CommandResult> {
    return this.request({ type: 'give_up', id: this.newId() })
  }

  chat(text: string): Promise<CommandResult> {
    return this.request({ type: 'chat', id: this.newId(), text })
  }

  settings(s: Settings): Promise<CommandResult> {
    const settings = {
      questions_per_round: s.questions_per_round,
      time_limit: s.time_limit,
      public: s.public,
    }
    return this.request({ type: 'settings', id: this.newId(), settings })
  }

  private request(cmd: Command): Promise<CommandResult> {
    return new Promise((resolve) => this.submit(cmd, (result) => resolve(result)))
  }

  private newId(): string {
    this.nextId++
    return `${this.idPrefix}-${this.nextId}`
  }

  // Connecting.

  private async dial(): Promise<void> {
    const dial = ++this.dials
    this.retryTimer = undefined
    if (this.state.retryAt !== undefined) this.update({ retryAt: undefined })
    let token: string
    try {
      token = await this.opts.token()
    } catch {
      if (dial === this.dials) this.retry(0)
      return
    }
    if (dial !== this.dials) return

    const Socket =
      this.opts.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket
    if (Socket === undefined) {
      this.stop(1006, 'no WebSocket implementation: pass one in the WebSocket option')
      return
    }
    let socket: SocketLike
    try {
      socket = new Socket(this.address(token))
    } catch {
      this.retry(0)
      return
    }
    this.socket = socket
    socket.onmessage = (m) => {
      if (this.socket === socket) this.receive(m.data)
    }
    socket.onclose = (c) => {
      if (this.socket === socket) this.disconnected(c.code, c.reason)
    }
    socket.onerror = () => {
      // A close event follows with the reason.
    }
  }

  private address(token: string): string {
    const base = this.opts.url.replace(/\/+$/, '')
    let url = `${base}/ws/${encodeURIComponent(this.opts.table)}?token=${encodeURIComponent(token)}`
    if (this.state.seq > 0) url += `&since=${this.state.seq}`
    return url
  }

  private disconnected(code: number, reason: string): void {
    this.socket = undefined
    this.live = false
    clearTimeout(this.steadyTimer)
    if (code === 4001 || code === 4003) {
      this.stop(code, reason)
      return
    }
    this.retry(code === 4029 ? floodWaitMs : 0)
  }

  // retry schedules the next attempt after the backoff plus least ms.
  private retry(least: number): void {
    if (!this.running) return
    const wait = Math.round(least + backoffMs(this.failures, this.random))
    this.failures++
    this.retryTimer = setTimeout(() => void this.dial(), wait)
    this.update({ status: 'reconnecting', retryAt: this.now() + wait })
  }

  // drop closes a connection the client no longer trusts and reconnects.
  private drop(): void {
    const socket = this.socket
    if (socket === undefined) return
    this.disconnected(1000, 'resync')
    try {
      socket.close(1000, 'resync')
    } catch {
      // Already closing.
    }
  }

  private stop(code: number, reason: string): void {
    this.running = false
    this.dials++
    clearTimeout(this.retryTimer)
    clearTimeout(this.steadyTimer)
    const socket = this.socket
    this.socket = undefined
    this.live = false
    socket?.close(1000)
    for (const e of this.entries.values()) {
      clearTimeout(e.timer)
      if (!e.done) e.settle({ ok: false, code: 'closed', message: reason }, 'unknown')
    }
    this.entries.clear()
    this.update({ status: 'closed', closed: { code, reason }, pending: 0, retryAt: undefined })
  }

  // Receiving.

  private receive(data: unknown): void {
    const msg = parseServerMessage(data)
    if (msg === undefined) return
    if (msg.type === 'welcome') this.clock.reset()
    if (msg.ts !== undefined) this.clock.observe(msg.ts)

    if (isTableEvent(msg)) {
      this.tableEvent(msg)
      return
    }
    switch (msg.type) {
      case 'welcome':
        return this.welcome(msg)
      case 'snapshot':
        return this.snapshot(msg)
      case 'ack':
        return this.ack(msg)
      case 'reply':
        return this.reply(msg)
      case 'error':
        return this.error(msg)
    }
  }

  private welcome(msg: WelcomeEvent): void {
    this.live = true
    this.steadyTimer = setTimeout(() => {
      this.failures = 0
    }, steadyAfterMs)
    this.update({ status: 'open', me: msg.me, retryAt: undefined })
    for (const e of this.entries.values()) {
      if (!e.answered && !e.done) this.transmit(e)
    }
  }

  private snapshot(msg: SnapshotEvent): void {
    const table = msg.table
    const reset = table.seq < this.state.seq
    const chat = mergeChat(reset ? [] : this.state.chat, table.chat ?? [])
    this.update({ table, seq: table.seq, chat })
  }

  private tableEvent(ev: TableEvent): void {
    const last = this.state.seq
    if (ev.seq <= last) return
    if (ev.seq > last + 1) {
      this.drop()
      return
    }

    const table = applyEvent(this.state.table ?? emptyTable(this.opts.table), ev)
    const chat =
      ev.type === 'chat' ? [...this.state.chat, ev].slice(-clientChatKept) : this.state.chat
    this.update({ table, seq: ev.seq, chat })

    if (ev.type === 'solved') {
      const e = this.entries.get(ev.re)
      const mine = this.state.me === undefined || ev.solve.user_id === this.state.me.id
      if (e !== undefined && e.cmd.type === 'guess' && mine) {
        this.finish(e, { ok: true }, 'solved')
      }
    }
    for (const fn of this.eventListeners) call(fn, ev)
  }

  private ack(msg: AckEvent): void {
    const e = this.entries.get(msg.re)
    if (e === undefined || e.done) return
    this.answer(e)
    if (e.cmd.type !== 'guess') {
      this.finish(e, { ok: true }, 'unknown')
      return
    }
    clearTimeout(e.timer)
    e.timer = setTimeout(() => this.finish(e, { ok: true }, 'unknown'), guessDecideMs)
  }

  private reply(msg: ReplyEvent): void {
    const e = msg.re === undefined ? undefined : this.entries.get(msg.re)
    if (e !== undefined && e.cmd.type === 'guess') {
      if (e.done) return
      this.answer(e)
      const outcome: GuessOutcome =
        msg.code === 'bad_request'
          ? 'invalid'
          : guessReplies.has(msg.code)
            ? (msg.code as GuessOutcome)
            : 'unknown'
      this.finish(e, { ok: false, code: msg.code, message: msg.message }, outcome)
      return
    }
    this.notice(msg.re ?? '', msg.code, msg.message)
    if (e !== undefined && !e.done) {
      this.answer(e)
      this.finish(e, { ok: false, code: msg.code, message: msg.message }, 'unknown')
    }
  }

  private error(msg: ErrorEvent): void {
    const e = msg.re === undefined ? undefined : this.entries.get(msg.re)
    if (e === undefined || e.done || e.answered) {
      if (e === undefined) this.notice(msg.re ?? '', msg.code, msg.message)
      return
    }
    if (msg.code === 'bad_request') {
      this.answer(e)
      this.finish(e, { ok: false, code: msg.code, message: msg.message }, 'invalid')
      return
    }
    // rate_limited or unavailable: the same command again, later.
    e.limited = msg.code === 'rate_limited'
    clearTimeout(e.timer)
    const wait = e.limited ? rateLimitedRetryMs : this.resendAfterMs
    e.timer = setTimeout(() => this.transmit(e), wait)
  }

  private notice(id: string, code: string, message: string): void {
    const notices = [...this.state.notices, { id, code, message, at: this.now() }]
    this.update({ notices: notices.slice(-noticesKept) })
  }

  // Sending.

  private submit(cmd: Command, settle: Entry['settle']): void {
    const problem = commandProblem(cmd)
    if (problem !== undefined) {
      settle({ ok: false, code: 'bad_request', message: problem }, 'invalid')
      return
    }
    if (this.state.status === 'closed') {
      settle({ ok: false, code: 'closed', message: 'the client is closed' }, 'unknown')
      return
    }
    const e: Entry = {
      cmd,
      sentAt: this.now(),
      answered: false,
      done: false,
      limited: false,
      timer: undefined,
      settle,
    }
    this.entries.set(cmd.id, e)
    this.transmit(e)
    this.refreshPending()
  }

  // transmit sends e if the connection is up and arms its resend timer; a
  // command too old to resend is given up instead.
  private transmit(e: Entry): void {
    clearTimeout(e.timer)
    const left = e.sentAt + lostAfterMs - this.now()
    if (left <= 0) {
      this.lose(e)
      return
    }
    if (this.live && this.socket !== undefined) {
      try {
        this.socket.send(JSON.stringify(e.cmd))
      } catch {
        // The socket is closing; its close event brings a resend.
      }
    }
    e.timer = setTimeout(() => this.transmit(e), Math.min(this.resendAfterMs, left))
  }

  private lose(e: Entry): void {
    if (!e.done) {
      const message = 'no answer from the server in time'
      this.finish(e, { ok: false, code: 'lost', message }, e.limited ? 'rate_limited' : 'unknown')
    }
    clearTimeout(e.timer)
    this.entries.delete(e.cmd.id)
  }

  private answer(e: Entry): void {
    e.answered = true
    this.refreshPending()
  }

  // finish settles e's promise and keeps e, without resending, until it is
  // too old for any answer to come.
  private finish(e: Entry, result: CommandResult, outcome: GuessOutcome): void {
    if (e.done) return
    e.done = true
    e.answered = true
    clearTimeout(e.timer)
    const left = e.sentAt + lostAfterMs - this.now()
    e.timer = setTimeout(() => this.entries.delete(e.cmd.id), Math.max(0, left))
    e.settle(result, outcome)
    this.refreshPending()
  }

  private refreshPending(): void {
    let pending = 0
    for (const e of this.entries.values()) if (!e.answered && !e.done) pending++
    if (pending !== this.state.pending) this.update({ pending })
  }

  private update(patch: Partial<ClientState>): void {
    const next: ClientState = { ...this.state, ...patch }
    for (const key of ['closed', 'retryAt'] as const) {
      if (key in patch && patch[key] === undefined) delete next[key]
    }
    this.state = next
    for (const fn of this.listeners) call(fn, undefined)
  }
}

// mergeChat adds the chat events newer than the last one kept.
function mergeChat(kept: ChatEvent[], incoming: ChatEvent[]): ChatEvent[] {
  const last = kept.at(-1)?.seq ?? 0
  const fresh = incoming.filter((c) => c.seq > last)
  return fresh.length === 0 ? kept : [...kept, ...fresh].slice(-clientChatKept)
}

// call runs a listener; one that throws is reported without stopping the
// client or the other listeners.
function call<T>(fn: (arg: T) => void, arg: T): void {
  try {
    fn(arg)
  } catch (err) {
    setTimeout(() => {
      throw err
    })
  }
}
