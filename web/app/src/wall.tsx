import { memo, type CSSProperties } from 'react'
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
          const found = byTile.get(tile.index) ?? noSolves
          return (
            <TileCard
              key={`${tile.index}:${tile.alphagram}`}
              tile={tile}
              letters={props.letters(tile)}
              found={found}
              solvers={found.map((s) => props.nameOf(s.user_id))}
              me={props.me}
            />
          )
        })}
      </div>
    </div>
  )
}

const noSolves: Solve[] = []

interface TileProps {
  tile: Tile
  letters: string
  found: Solve[]
  solvers: string[] // the name of each found word's solver
  me: string | undefined
}

// TileCard is one tile. A solve touches one tile of the wall, so each is
// drawn again only when its own letters, words or solvers change.
const TileCard = memo(function TileCard({ tile, letters, found, solvers, me }: TileProps) {
  const left = Math.max(0, tile.answers - found.length)
  return (
    <div role="listitem" data-testid="tile" className={left === 0 ? 'tile done' : 'tile'}>
      <div className="tile-head">
        <span data-testid="tile-letters" className="tile-letters">
          {[...letters].map((c, i) => (
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
          {found.map((s, i) => (
            <li
              key={s.word}
              data-testid="tile-solved"
              className={s.user_id === me ? 'mine' : undefined}
            >
              <span className="word">{s.word}</span> <span className="solver">{solvers[i]}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}, sameTile)

function sameTile(a: TileProps, b: TileProps): boolean {
  return (
    a.tile === b.tile &&
    a.letters === b.letters &&
    a.me === b.me &&
    sameItems(a.found, b.found) &&
    sameItems(a.solvers, b.solvers)
  )
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
