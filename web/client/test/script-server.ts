import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

// A queue whose shift() waits for the next item.
class Waiting<T> {
  private readonly items: T[] = []
  private readonly takers: ((item: T) => void)[] = []

  push(item: T): void {
    const take = this.takers.shift()
    if (take) take(item)
    else this.items.push(item)
  }

  shift(): Promise<T> {
    const item = this.items.shift()
    if (item !== undefined) return Promise.resolve(item)
    return new Promise((resolve) => this.takers.push(resolve))
  }

  get length(): number {
    return this.items.length
  }
}

/** One connection to a ScriptServer, driven by the test. */
export class ScriptConn {
  /** The upgrade request's path and query. */
  readonly url: URL
  /** Resolves with the close code once the connection is closed by either side. */
  readonly closed: Promise<number>
  private readonly frames = new Waiting<unknown>()
  private readonly ws: WebSocket

  constructor(ws: WebSocket, path: string) {
    this.ws = ws
    this.url = new URL(path, 'ws://test')
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))))
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
  }

  get token(): string | null {
    return this.url.searchParams.get('token')
  }

  get since(): string | null {
    return this.url.searchParams.get('since')
  }

  /** The next frame the client sends, parsed. */
  next(): Promise<unknown> {
    return this.frames.shift()
  }

  /** How many frames arrived that next() has not taken. */
  get unread(): number {
    return this.frames.length
  }

  send(...msgs: object[]): void {
    for (const m of msgs) this.ws.send(JSON.stringify(m))
  }

  close(code: number, reason = ''): void {
    this.ws.close(code, reason)
  }
}

/** A WebSocket server on 127.0.0.1 whose every answer the test writes. */
export class ScriptServer {
  readonly url: string
  readonly conns: ScriptConn[] = []
  private readonly arrivals = new Waiting<ScriptConn>()
  private readonly wss: WebSocketServer

  private constructor(wss: WebSocketServer) {
    this.wss = wss
    const { port } = wss.address() as AddressInfo
    this.url = `ws://127.0.0.1:${port}`
    wss.on('connection', (ws, req) => {
      const conn = new ScriptConn(ws, req.url ?? '/')
      this.conns.push(conn)
      this.arrivals.push(conn)
    })
  }

  static start(): Promise<ScriptServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
      wss.once('listening', () => resolve(new ScriptServer(wss)))
      wss.once('error', reject)
    })
  }

  /** The next connection the client opens. */
  nextConn(): Promise<ScriptConn> {
    return this.arrivals.shift()
  }

  stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}
