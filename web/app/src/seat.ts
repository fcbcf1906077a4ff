// What the page remembers about its user: the display name, and per table
// a seat (the user id and the key that re-issues its tokens). Tokens stay
// in memory only.

import { ApiError, requestToken, type TokenRequest } from './api.ts'

export type JoinRole = 'player' | 'spectator'

export interface Seat {
  user_id: string
  key?: string
  // Set only for a spectator's seat, so that a new token keeps the role.
  role?: 'spectator'
}

const nameKey = 'ww.name'
const seatPrefix = 'ww.seat.'

export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

export function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // Storage may be full or turned off; the page still works for this visit.
  }
}

export function loadName(): string {
  return readStored(nameKey) ?? ''
}

export function saveName(name: string): void {
  writeStored(nameKey, name)
}

export function loadSeat(table: string): Seat | undefined {
  const raw = readStored(seatPrefix + table)
  if (!raw) {
    return undefined
  }
  try {
    const v: unknown = JSON.parse(raw)
    if (typeof v !== 'object' || v === null) {
      return undefined
    }
    const { user_id, key, role } = v as Record<string, unknown>
    if (typeof user_id !== 'string' || user_id === '') {
      return undefined
    }
    return {
      user_id,
      key: typeof key === 'string' && key !== '' ? key : undefined,
      role: role === 'spectator' ? 'spectator' : undefined,
    }
  } catch {
    return undefined
  }
}

export function saveSeat(table: string, seat: Seat): void {
  writeStored(seatPrefix + table, JSON.stringify(seat))
}

// Tokens handed out with a new table, kept for the creator's first
// connections in case a fresh one cannot be had.
const created = new Map<string, string>()

export function rememberCreated(table: string, token: string): void {
  created.set(table, token)
}

// tableToken gets a fresh join token for table: for the stored seat when
// there is one, else for a new seat, which it stores. A seat whose key the
// back end no longer takes is given up for a new one.
export function tableToken(table: string, name: string, role: JoinRole): Promise<string> {
  // Two asks at once would each make a new seat for a first visit; the
  // second waits for the first instead.
  let asking = inflight.get(table)
  if (!asking) {
    asking = askToken(table, name, role).finally(() => inflight.delete(table))
    inflight.set(table, asking)
  }
  return asking
}

const inflight = new Map<string, Promise<string>>()

async function askToken(table: string, name: string, role: JoinRole): Promise<string> {
  const seat = loadSeat(table)
  const wanted = seat?.role ?? role
  try {
    return await seatToken(table, name, wanted, seat)
  } catch (err) {
    const tok = created.get(table)
    if (tok && !expired(tok)) {
      return tok
    }
    if (seat && err instanceof ApiError && err.status === 403) {
      return seatToken(table, name, role, undefined)
    }
    throw err
  }
}

async function seatToken(
  table: string,
  name: string,
  role: JoinRole,
  seat: Seat | undefined,
): Promise<string> {
  const req: TokenRequest = seat
    ? { name, user_id: seat.user_id, ...(seat.key ? { key: seat.key } : {}) }
    : { name }
  if (role === 'spectator') {
    req.role = 'spectator'
  }
  const res = await requestToken(table, req)
  saveSeat(table, {
    user_id: res.user_id,
    key: res.key ?? seat?.key,
    ...(role === 'spectator' ? { role } : {}),
  })
  return res.token
}

// expired reads a token's exp claim; a token that cannot be read counts
// as expired.
function expired(token: string): boolean {
  try {
    const part = (token.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/')
    const claims: unknown = JSON.parse(atob(part))
    const exp = (claims as { exp?: unknown }).exp
    return typeof exp !== 'number' || exp * 1000 < Date.now() + 5000
  } catch {
    return true
  }
}
