/**
 * ServerClock estimates the server's clock from the ts of the messages it
 * receives. The offset is the largest ts − now() seen on the connection:
 * network delay only makes a sample smaller. Because the offset only grows
 * until reset(), a countdown drawn from it never goes back up while one
 * connection lasts.
 */
export class ServerClock {
  private readonly now: () => number
  private offset: number | undefined

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** Forgets the offset; call it for each new connection. */
  reset(): void {
    this.offset = undefined
  }

  /** Takes a server time, in ms since the Unix epoch, received just now. */
  observe(serverTs: number): void {
    const sample = serverTs - this.now()
    if (this.offset === undefined || sample > this.offset) this.offset = sample
  }

  /** The estimated server time; the local time until a sample arrives. */
  serverNow(): number {
    return this.now() + (this.offset ?? 0)
  }

  /** Milliseconds until a server time such as a deadline; never negative. */
  remainingMs(deadline: number): number {
    return Math.max(0, deadline - this.serverNow())
  }

  /** Whole seconds left until deadline, rounded up: 0 only once it has passed. */
  secondsLeft(deadline: number): number {
    return Math.ceil(this.remainingMs(deadline) / 1000)
  }

  /**
   * Milliseconds until secondsLeft(deadline) next changes, so that a display
   * can wake exactly on each second. Once the deadline has passed nothing
   * changes any more, and it returns 1000 to keep a steady tick.
   */
  msUntilNextSecond(deadline: number): number {
    const left = this.remainingMs(deadline)
    if (left <= 0) return 1000
    return left - (Math.ceil(left / 1000) - 1) * 1000
  }
}
