import WebSocket from 'ws'
import type { Answer, Player as TablePlayer, Settings, Solve, Tile } from '@wordwalls/client'
import type { CreateTableRequest, CreateTableResponse, TokenResponse } from '../app/src/api.ts'

// A small protocol client for the tests' own seats at a table (a host that
// is a program, or an observer reading the server's view). It follows
// docs/protocol.md only as far as the tests need.

export type { Solve } from '@wordwalls/client'

/** A table to create; the word list defaults to ENABLE. */
type CreateTable = Omit<CreateTableRequest, 'lexicon'> & { lexicon?: string }

async function postJSON<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/** Creates a table through the back end's API, as the page's lobby does. */
export function createTable(origin: string, req: CreateTable): Promise<CreateTableResponse> {
  return postJSON<CreateTableResponse>(`${origin}/api/tables`, { lexicon: 'ENABLE', ...req })
}

/**
 * A private table made through the API with the test as its host, Cesar:
 * 7-letter words, the first questions_per_round alphagrams, 120 seconds,
 * unless opts says otherwise.
 */
export async function hostTable(
  origin: string,
  opts: Partial<CreateTable> = {},
): Promise<{ table: string; link: string; host: WireClient }> {
  const questions = opts.questions_per_round ?? 10
  const made = await createTable(origin, {
    length: 7,
    prob_min: 1,
    prob_max: questions,
    questions_per_round: questions,
    time_limit: 120,
    public: false,
    player: 'Cesar',
    ...opts,
  })
  const host = await WireClient.connect(origin, made.table, made.token)
  return { table: made.table, link: `${origin}/t/${made.table}`, host }
}

/** Issues a join token for a new seat at table. */
export function issueToken(
  origin: string,
  table: string,
  name: string,
  role: 'player' | 'spectator' = 'player',
): Promise<TokenResponse> {
  return postJSON<TokenResponse>(`${origin}/api/tables/${table}/tokens`, { name, role })
}

type Message = { type: string; seq?: number; [field: string]: unknown }

type Reply = { type: 'ack' | 'error' | 'reply'; code?: string; message?: string }

/** One WebSocket seat at a table, keeping the parts of the table view tests look at. */
export class WireClient {
  readonly messages: Message[] = []
  last = 0
  phase = 'idle'
  round = 0
  wall: Tile[] = []
  solves: Solve[] = []
  answers: Answer[] = []
  settings?: Settings
  players = new Map<string, TablePlayer>()
  me?: TablePlayer
  private lastMessageAt = 0
  private counter = 0
  private readonly waiting = new Map<string, (r: Reply) => void>()
  private readonly watchers = new Set<() => void>()

  /** Resolves with the close code once the connection has ended. */
  readonly closed: Promise<number>

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as Message))
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
  }

  /** Connects with token and resolves once the welcome arrived. */
  static connect(origin: string, table: string, token: string): Promise<WireClient> {
    const url = `${origin.replace(/^http/, 'ws')}/ws/${table}?token=${encodeURIComponent(token)}`
    const ws = new WebSocket(url)
    const c = new WireClient(ws)
    return new Promise((resolve, reject) => {
      ws.once('error', reject)
      ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)))
      c.waitFor(() => c.me !== undefined, 10_000).then(() => resolve(c), reject)
    })
  }

  private receive(m: Message): void {
    this.messages.push(m)
    this.lastMessageAt = Date.now()
    switch (m.type) {
      case 'welcome':
        this.me = m.me as TablePlayer
        break
      case 'snapshot':
        this.takeSnapshot(m.table as Record<string, unknown>)
        break
      case 'ack':
      case 'error':
      case 'reply':
        if (typeof m.re === 'string') {
          this.waiting.get(m.re)?.(m as unknown as Reply)
          this.waiting.delete(m.re)
        }
        break
      default:
        if (typeof m.seq === 'number') this.apply(m)
    }
    for (const w of this.watchers) w()
  }

  private takeSnapshot(t: Record<string, unknown>): void {
    this.last = t.seq as number
    this.phase = t.phase as string
    this.round = t.round as number
    this.wall = t.wall as Tile[]
    this.solves = [...(t.solves as Solve[])]
    this.answers = (t.answers as Answer[] | undefined) ?? []
    this.settings = t.settings as Settings
    this.players = new Map((t.players as TablePlayer[]).map((p) => [p.id, p]))
  }

  private apply(ev: Message): void {
    const seq = ev.seq as number
    if (seq <= this.last) return
    if (seq > this.last + 1) throw new Error(`event gap: have ${this.last}, got ${seq}`)
    this.last = seq
    switch (ev.type) {
      case 'joined': {
        const p = ev.player as TablePlayer
        this.players.set(p.id, p)
        break
      }
      case 'left': {
        const p = this.players.get(ev.user_id as string)
        if (p) p.present = false
        break
      }
      case 'opened':
      case 'settings':
        this.settings = ev.settings as Settings
        break
      case 'countdown':
        this.phase = 'countdown'
        this.round = ev.round as number
        break
      case 'round_started':
        this.phase = 'running'
        this.round = ev.round as number
        this.wall = ev.wall as Tile[]
        this.solves = []
        break
      case 'solved':
        this.solves.push(ev.solve as Solve)
        break
      case 'round_over':
        this.phase = 'idle'
        this.answers = ev.answers as Answer[]
        break
      case 'cancelled':
        this.phase = 'idle'
        break
    }
  }

  /** Resolves when check() holds, checking after every message. */
  waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const watch = () => {
        if (!check()) return
        clearTimeout(timer)
        this.watchers.delete(watch)
        resolve()
      }
      const timer = setTimeout(() => {
        this.watchers.delete(watch)
        reject(new Error(`wire client: condition not met in ${timeoutMs} ms`))
      }, timeoutMs)
      this.watchers.add(watch)
    })
  }

  /** Resolves once no message has come for quietMs: the catch-up is over. */
  async settle(quietMs = 400): Promise<void> {
    while (Date.now() - this.lastMessageAt < quietMs) {
      await new Promise((r) => setTimeout(r, quietMs / 4))
    }
  }

  /** Sends a command and resolves with its first answer (ack, error or reply). */
  send(cmd: Record<string, unknown>): Promise<Reply> {
    const id = `e2e-${++this.counter}`
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.ws.send(JSON.stringify({ ...cmd, id }))
    })
  }

  start(): Promise<Reply> {
    return this.send({ type: 'start' })
  }

  giveUp(): Promise<Reply> {
    return this.send({ type: 'give_up' })
  }

  chat(text: string): Promise<Reply> {
    return this.send({ type: 'chat', text })
  }

  guess(word: string): Promise<Reply> {
    return this.send({ type: 'guess', word })
  }

  /** Waits for the round after the current one to be running. */
  async startRound(): Promise<void> {
    const before = this.round
    const r = await this.start()
    if (r.type !== 'ack') throw new Error(`start: ${r.type} ${r.code} ${r.message}`)
    await this.waitFor(() => this.phase === 'running' && this.round > before, 15_000)
  }

  close(): void {
    this.ws.close(1000)
  }
}

/** The table as the server sees it now: a spectator that reads its catch-up and leaves. */
export async function serverView(origin: string, table: string): Promise<WireClient> {
  const { token } = await issueToken(origin, table, 'observer', 'spectator')
  const c = await WireClient.connect(origin, table, token)
  await c.settle()
  c.close()
  return c
}
