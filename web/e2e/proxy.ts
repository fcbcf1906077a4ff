import { connect, createServer, type Server as NetServer, type Socket } from 'node:net'

/**
 * A TCP proxy in front of the server that a test can cut, like a network
 * that drops: live connections die at once and new ones hang until the
 * network is back. Browsers see the proxy's own host and port in both
 * Origin and Host, so the bridge's same-host check holds.
 */
export class Proxy {
  private readonly live = new Set<{ client: Socket; upstream: Socket }>()
  private readonly held = new Set<Socket>()
  private isCut = false
  private cuts = 0

  private constructor(
    private readonly server: NetServer,
    readonly port: number,
    private readonly target: number,
  ) {}

  static start(targetPort: number): Promise<Proxy> {
    return new Promise((resolve, reject) => {
      let proxy: Proxy
      const server = createServer((client) => proxy.accept(client))
      server.on('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address()
        if (!addr || typeof addr !== 'object') return reject(new Error('proxy has no port'))
        proxy = new Proxy(server, addr.port, targetPort)
        resolve(proxy)
      })
    })
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** How many connections were killed by cuts so far. */
  get killed(): number {
    return this.cuts
  }

  /** Connections currently carried. */
  get open(): number {
    return this.live.size
  }

  private accept(client: Socket): void {
    client.on('error', () => {})
    if (this.isCut) {
      client.pause()
      this.held.add(client)
      client.on('close', () => this.held.delete(client))
      return
    }
    this.forward(client)
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1')
    const pair = { client, upstream }
    this.live.add(pair)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    const drop = () => {
      this.live.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', drop)
    upstream.on('close', drop)
    client.pipe(upstream)
    upstream.pipe(client)
  }

  /** Drops every live connection (with a reset) and holds new ones until restore. */
  cut(): void {
    this.isCut = true
    for (const { client, upstream } of this.live) {
      this.cuts++
      client.resetAndDestroy()
      upstream.destroy()
    }
    this.live.clear()
  }

  /** Lets traffic through again, held connections included. */
  restore(): void {
    this.isCut = false
    for (const client of this.held) {
      this.held.delete(client)
      if (!client.destroyed) this.forward(client)
    }
  }

  close(): Promise<void> {
    this.cut()
    for (const client of this.held) client.destroy()
    this.held.clear()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}
