import type { Command, ServerMessage, Settings, TableEvent } from './messages.gen'

const tableEventTypes: ReadonlySet<string> = new Set<TableEvent['type']>([
  'opened',
  'joined',
  'left',
  'host',
  'settings',
  'countdown',
  'round_started',
  'solved',
  'round_over',
  'chat',
  'cancelled',
])

const connectionTypes: ReadonlySet<string> = new Set<ServerMessage['type']>([
  'welcome',
  'snapshot',
  'ack',
  'reply',
  'error',
])

/** Reports whether a server message is a table event, one that carries a seq. */
export function isTableEvent(msg: ServerMessage): msg is TableEvent {
  return tableEventTypes.has(msg.type)
}

/**
 * Reads one frame from the server. It checks only what the client relies
 * on (an object with a known type, and a whole positive seq on table
 * events) and returns undefined for anything else; the server is trusted
 * for the rest of the shape.
 */
export function parseServerMessage(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string') return undefined
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined
  const { type } = value
  if (typeof type !== 'string') return undefined
  if (connectionTypes.has(type)) return value as ServerMessage
  if (!tableEventTypes.has(type) || !('seq' in value)) return undefined
  const { seq } = value
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return undefined
  return value as ServerMessage
}

const idPattern = /^[A-Za-z0-9._:-]{1,64}$/
const controlChar = /[\u0000-\u001f]/

/** The largest guess the server takes, in bytes of UTF-8. */
export const maxGuessBytes = 64
/** The longest chat line, in characters (code points). */
export const maxChatChars = 280

/**
 * Returns why the server would refuse cmd without applying it (the bridge's
 * bad_request, or a guess or chat line that is empty once trimmed), or
 * undefined if it may be sent.
 */
export function commandProblem(cmd: Command): string | undefined {
  if (!idPattern.test(cmd.id)) return 'the command id must be 1 to 64 of A-Z a-z 0-9 . _ : -'
  switch (cmd.type) {
    case 'guess':
      if (cmd.word.trim() === '') return 'the guess is empty'
      if (new TextEncoder().encode(cmd.word).length > maxGuessBytes) {
        return `a guess is at most ${maxGuessBytes} bytes`
      }
      return undefined
    case 'chat':
      if (cmd.text.trim() === '') return 'the chat line is empty'
      if ([...cmd.text].length > maxChatChars) {
        return `a chat line is at most ${maxChatChars} characters`
      }
      if (controlChar.test(cmd.text)) return 'a chat line cannot hold control characters'
      return undefined
    case 'settings':
      return settingsProblem(cmd.settings)
    case 'start':
    case 'give_up':
      return undefined
  }
}

function settingsProblem(s: Settings): string | undefined {
  if (!inRange(s.questions_per_round, 10, 200)) return 'questions per round must be 10 to 200'
  if (!inRange(s.time_limit, 10, 3600)) return 'the time limit must be 10 to 3600 seconds'
  if (typeof s.public !== 'boolean') return 'public must be true or false'
  return undefined
}

function inRange(n: unknown, min: number, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
}
