// The back end's HTTP API, as the page uses it.

export interface Lexicon {
  name: string
  // The number of alphagrams of each word length, which is also the
  // highest probability rank of that length.
  lengths: Record<string, number>
}

// TableFields are what a table studies and how its rounds go, as a
// creator asks for them and as the table lists show them.
interface TableFields {
  lexicon: string
  length: number
  prob_min: number
  prob_max: number
  questions_per_round: number
  time_limit: number
  public: boolean
}

export interface TableSummary extends TableFields {
  table: string
  name: string
  created_at: number
  /** Who is at the table and what it is doing; absent until the table has saved state. */
  live?: TableLive
}

export interface TableLive {
  players: string[]
  phase: 'idle' | 'countdown' | 'running'
  round: number
}

export interface CreateTableRequest extends TableFields {
  name?: string
  player: string
}

export interface CreateTableResponse {
  table: string
  user_id: string
  token: string
  join_url: string
  key?: string
}

export type TokenRequest =
  | { name: string; role?: 'player' | 'spectator' }
  | { name: string; user_id: string; key?: string; role?: 'player' | 'spectator' }

export interface TokenResponse {
  user_id: string
  token: string
  key?: string
}

// ApiError is a refused or failed request, with the server's message when
// it gave one.
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string

  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

export function listLexicons(): Promise<Lexicon[]> {
  return call<{ lexicons: Lexicon[] }>('GET', '/api/lexicons').then((r) => r.lexicons)
}

export function listTables(): Promise<TableSummary[]> {
  return call<{ tables: TableSummary[] }>('GET', '/api/tables').then((r) => r.tables)
}

export function getTable(table: string): Promise<TableSummary> {
  return call('GET', `/api/tables/${encodeURIComponent(table)}`)
}

export function createTable(req: CreateTableRequest): Promise<CreateTableResponse> {
  return call('POST', '/api/tables', req)
}

export function requestToken(table: string, req: TokenRequest): Promise<TokenResponse> {
  return call('POST', `/api/tables/${encodeURIComponent(table)}/tokens`, req)
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.')
  }
  const data: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    throw errorFrom(res.status, data)
  }
  return data as T
}

// errorFrom reads {"error": "text"} as well as
// {"error": {"code", "message", "field"}}.
function errorFrom(status: number, data: unknown): ApiError {
  const fallback = status === 404 ? 'not_found' : `http_${status}`
  const err = isRecord(data) ? data.error : undefined
  if (typeof err === 'string') {
    return new ApiError(status, status === 404 ? 'no_table' : fallback, err)
  }
  if (isRecord(err)) {
    const code = typeof err.code === 'string' ? err.code : fallback
    const message = typeof err.message === 'string' ? err.message : `HTTP ${status}`
    const field = typeof err.field === 'string' ? err.field : undefined
    return new ApiError(status, code, message, field)
  }
  return new ApiError(status, fallback, `HTTP ${status}`)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

// messageOf is the text to show for a failure.
export function messageOf(err: unknown): string {
  if (err instanceof Error) {
    return err.message
  }
  return String(err)
}
