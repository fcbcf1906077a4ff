import type { CSSProperties } from 'react'
import type { Solve, Tile } from '@wordwalls/client'

// Wall is the running round's tiles. Each shows its letters in the chosen
// order, how many of its words are still to find, and the words found so
// far with who found them.
export function Wall(props: {
  tiles: Tile[]
  solves: Solve[]
  letters: (tile: Tile) => string
  nameOf: (userID: string) => string
  me: string | undefined
  onPick: () => void
}) {
  const byTile = new Map<number, Solve[]>()
  for (const s of props.solves) {
    const list = byTile.get(s.index)
    if (list) {
      list.push(s)
    } else {
      byTile.set(s.index, [s])
    }
  }
  const longest = Math.max(0, ...props.tiles.map((t) => t.alphagram.length))

  return (
    <div className="wall-box" onClick={props.onPick}>
      <div
        role="list"
        aria-label="Wall"
        className="wall"
        style={{ '--longest': longest } as CSSProperties}
      >
        {props.tiles.map((tile) => {
          const found = byTile.get(tile.index) ?? []
          const left = Math.max(0, tile.answers - found.length)
          return (
            <div
              key={`${tile.index}:${tile.alphagram}`}
              role="listitem"
              data-testid="tile"
              className={left === 0 ? 'tile done' : 'tile'}
            >
              <div className="tile-head">
                <span data-testid="tile-letters" className="tile-letters">
                  {[...props.letters(tile)].map((c, i) => (
                    <span key={i} className="letter">
                      {c}
                    </span>
                  ))}
                </span>
                <span className="tile-count" title={`${left} of ${tile.answers} still to find`}>
                  <span data-testid="tile-count">{left}</span>
                  <span className="sr-only"> {left === 1 ? 'word' : 'words'} to find</span>
                </span>
              </div>
              {found.length > 0 && (
                <ul className="tile-solved">
                  {found.map((s) => (
                    <li
                      key={s.word}
                      data-testid="tile-solved"
                      className={s.user_id === props.me ? 'mine' : undefined}
                    >
                      <span className="word">{s.word}</span>{' '}
                      <span className="solver">{props.nameOf(s.user_id)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}
