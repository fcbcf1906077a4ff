import type { Player } from '@wordwalls/client'

// Scoreboard lists everyone at the table, players by words found, then
// those watching. Marks are words, not colours.
export function Scoreboard(props: {
  players: Player[]
  host: string | undefined
  me: string | undefined
}) {
  const players = props.players
    .filter((p) => p.role !== 'spectator')
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
  const watching = props.players.filter((p) => p.role === 'spectator')

  return (
    <section className="panel scores" aria-labelledby="scores-title">
      <h2 id="scores-title">Scores</h2>
      <table aria-label="Scores">
        <thead>
          <tr>
            <th scope="col">Player</th>
            <th scope="col" className="num">
              Words
            </th>
            <th scope="col">Last word</th>
          </tr>
        </thead>
        <tbody>
          {players.map((p) => (
            <tr key={p.id} className={p.present ? undefined : 'away'}>
              <th scope="row">
                <span className="player-name">{p.name}</span>
                {marks(p, props.host, props.me).map((m) => (
                  <span key={m} className={`mark mark-${m}`}>
                    {' '}
                    ({m})
                  </span>
                ))}
              </th>
              <td className="num">{p.score}</td>
              <td className="last-word">{p.last_word ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {watching.length > 0 && (
        <p className="watching">
          Watching:{' '}
          {watching
            .map((p) => p.name + (p.id === props.me ? ' (you)' : '') + (p.present ? '' : ' (away)'))
            .join(', ')}
        </p>
      )}
    </section>
  )
}

function marks(p: Player, host: string | undefined, me: string | undefined): string[] {
  const out: string[] = []
  if (p.id === host) {
    out.push('host')
  }
  if (p.id === me) {
    out.push('you')
  }
  if (!p.present) {
    out.push('away')
  }
  return out
}
