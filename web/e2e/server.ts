import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const defaultBinary = fileURLToPath(new URL('../../bin/wordwalls', import.meta.url))

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port)
        else reject(new Error('no port from listen'))
      })
    })
  })
}

/** One `wordwalls run` process with its own data folder. */
export class Server {
  private output: string[] = []
  private exited: Promise<number | null>

  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'))
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400)
    }
    proc.stdout?.on('data', keep)
    proc.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)))
  }

  /** Starts the binary (WORDWALLS_BIN, else bin/wordwalls) and waits for /healthz. */
  static async start(): Promise<Server> {
    const bin = process.env.WORDWALLS_BIN || defaultBinary
    const port = await freePort()
    const dataDir = mkdtempSync(join(tmpdir(), 'wordwalls-e2e-'))
    const args = ['run', '--addr', `127.0.0.1:${port}`, '--nats-addr', '', '--data-dir', dataDir]
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const srv = new Server(proc, port, dataDir)
    proc.on('error', (err) => srv.output.push(`spawn ${bin}: ${err.message}\n`))
    try {
      await srv.waitHealthy(30_000)
    } catch (err) {
      await srv.stop()
      throw err
    }
    return srv
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** The last lines the process wrote, for failure messages. */
  log(): string {
    return this.output.join('')
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs
    let exited = false
    void this.exited.then(() => (exited = true))
    while (Date.now() < until) {
      if (exited) throw new Error(`wordwalls exited before it was healthy:\n${this.log()}`)
      try {
        const res = await fetch(`${this.origin}/healthz`)
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`wordwalls not healthy after ${timeoutMs} ms:\n${this.log()}`)
  }

  /** Stops the process (SIGTERM, then SIGKILL) and removes its data folder. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM')
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000)
      await this.exited
      clearTimeout(timer)
    }
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}
