import type { Player, Score, Solve, TableEvent, TableView } from './messages.gen'

/** How many chat events a table view keeps, as the server's view does. */
export const chatKept = 20

/**
 * Returns the view of a table before its first event: seq 0, no players,
 * between rounds. Its info and settings are zero until the opened event.
 */
export function emptyTable(id: string): TableView {
  return {
    id,
    seq: 0,
    info: { lexicon: '', length: 0, prob_min: 0, prob_max: 0 },
    settings: { questions_per_round: 0, time_limit: 0, public: false },
    players: [],
    phase: 'idle',
    round: 0,
    wall: [],
    solves: [],
  }
}

/**
 * Returns the view after one table event. It never changes view or ev: the
 * result is a new object that shares the parts the event leaves alone.
 *
 * The rules are the server's (rooms/view.go): the wall and the solves are
 * shown only while a round runs, solves are grouped by tile in the order
 * found, a round's start sets every score back to zero, and the last
 * round's answers stay until the next round ends.
 */
export function applyEvent(view: TableView, ev: TableEvent): TableView {
  const next: TableView = { ...view, seq: ev.seq }
  switch (ev.type) {
    case 'opened':
      return { ...next, info: { ...ev.info }, settings: { ...ev.settings } }
    case 'joined':
      return { ...next, players: upsertPlayer(view.players, ev.player) }
    case 'left':
      return {
        ...next,
        players: view.players.map((p) => (p.id === ev.user_id ? { ...p, present: false } : p)),
      }
    case 'host': {
      if (ev.user_id !== undefined) return { ...next, host: ev.user_id }
      const { host: _, ...rest } = next
      return rest
    }
    case 'settings':
      return { ...next, settings: { ...ev.settings } }
    case 'countdown':
      return {
        ...betweenRounds(next),
        phase: 'countdown',
        round: ev.round,
        starts_at: ev.starts_at,
      }
    case 'round_started':
      return {
        ...betweenRounds(next),
        phase: 'running',
        round: ev.round,
        deadline: ev.deadline,
        wall: ev.wall.map((t) => ({ ...t })),
        players: view.players.map(({ last_word: _, ...p }) => ({ ...p, score: 0 })),
      }
    case 'solved': {
      const players = setScores(view.players, ev.scores).map((p) =>
        p.id === ev.solve.user_id ? { ...p, last_word: ev.solve.word } : p,
      )
      return { ...next, players, solves: insertSolve(view.solves, ev.solve) }
    }
    case 'round_over':
      return {
        ...betweenRounds(next),
        round: ev.round,
        answers: ev.answers,
        reason: ev.reason,
        players: setScores(view.players, ev.scores),
      }
    case 'chat':
      return { ...next, chat: [...(view.chat ?? []), ev].slice(-chatKept) }
    case 'cancelled':
      return { ...betweenRounds(next), round: ev.round }
  }
}

// betweenRounds is the view with no round under way: no wall, no solves
// and no round times.
function betweenRounds(view: TableView): TableView {
  const { starts_at: _s, deadline: _d, ...rest } = view
  return { ...rest, phase: 'idle', wall: [], solves: [] }
}

function upsertPlayer(players: Player[], player: Player): Player[] {
  const i = players.findIndex((p) => p.id === player.id)
  if (i < 0) return [...players, { ...player }]
  return players.map((p, j) => (j === i ? { ...player } : p))
}

function setScores(players: Player[], scores: Score[]): Player[] {
  const byUser = new Map(scores.map((s) => [s.user_id, s.score]))
  return players.map((p) => {
    const score = byUser.get(p.id)
    return score === undefined || score === p.score ? p : { ...p, score }
  })
}

// insertSolve puts a solve after every solve of its tile and of the tiles
// before it, which keeps the server's order: by tile, then as found.
function insertSolve(solves: Solve[], solve: Solve): Solve[] {
  let i = solves.length
  while (i > 0 && (solves[i - 1]?.index ?? 0) > solve.index) i--
  return [...solves.slice(0, i), { ...solve }, ...solves.slice(i)]
}
