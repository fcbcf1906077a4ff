import { useEffect, useId, useState, type FormEvent } from 'react'
import { ApiError, getTable, messageOf, type TableSummary } from './api.ts'
import { NameField } from './fields.tsx'
import { followLink } from './route.ts'
import { loadName, loadSeat, saveName, type JoinRole } from './seat.ts'
import { TableRoom } from './table-room.tsx'

interface Joining {
  name: string
  role: JoinRole
}

// TablePage is /t/{table}: it asks for a name when it has none, then
// seats the user at the table.
export function TablePage(props: { table: string }) {
  const { table } = props
  const [summary, setSummary] = useState<TableSummary>()
  const [problem, setProblem] = useState<'missing' | string>()
  const [attempt, setAttempt] = useState(0)
  const [joining, setJoining] = useState<Joining | undefined>(() => {
    const name = loadName()
    return name ? { name, role: loadSeat(table)?.role ?? 'player' } : undefined
  })

  useEffect(() => {
    let live = true
    getTable(table).then(
      (s) => {
        if (live) {
          setSummary(s)
          setProblem(undefined)
          document.title = `${s.name || `${s.lexicon} ${s.length}s`} · Wordwalls`
        }
      },
      (err: unknown) => {
        if (live) {
          const gone = err instanceof ApiError && err.status === 404
          setProblem(gone ? 'missing' : messageOf(err))
        }
      },
    )
    return () => {
      live = false
      document.title = 'Wordwalls'
    }
  }, [table, attempt])

  if (problem === 'missing') {
    return (
      <main className="page narrow">
        <h1>No such table</h1>
        <p>This table does not exist, or it has closed.</p>
        <p>
          <a href="/" onClick={followLink}>
            Go to the lobby
          </a>
        </p>
      </main>
    )
  }
  if (problem && !summary) {
    return (
      <main className="page narrow">
        <h1>Could not open the table</h1>
        <p className="error">{problem}</p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Try again
        </button>
      </main>
    )
  }
  if (!joining) {
    return <JoinForm summary={summary} onJoin={setJoining} />
  }
  if (!summary) {
    return (
      <main className="page narrow">
        <p role="status">Opening the table…</p>
      </main>
    )
  }
  return <TableRoom table={table} summary={summary} name={joining.name} role={joining.role} />
}

function JoinForm(props: { summary?: TableSummary; onJoin: (j: Joining) => void }) {
  const id = useId()
  const [name, setName] = useState('')
  const [error, setError] = useState('')
  const s = props.summary

  function join(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const submitter = (e.nativeEvent as SubmitEvent).submitter
    const role: JoinRole = submitter?.dataset.role === 'spectator' ? 'spectator' : 'player'
    const trimmed = name.trim()
    if (!trimmed) {
      setError('Choose a name: the others at the table see it.')
      return
    }
    saveName(trimmed)
    props.onJoin({ name: trimmed, role })
  }

  return (
    <main className="page narrow">
      <h1 id={`${id}-title`}>Join {s ? s.name || 'this table' : 'this table'}</h1>
      {s && (
        <p>
          {s.lexicon}, {s.length}-letter words, probability {s.prob_min}–{s.prob_max}.
        </p>
      )}
      <form aria-labelledby={`${id}-title`} onSubmit={join}>
        <NameField
          value={name}
          onChange={(v) => {
            setName(v)
            setError('')
          }}
          error={error}
          autoFocus
        />
        <div className="buttons">
          <button type="submit" className="primary" data-role="player">
            Join table
          </button>
          <button type="submit" data-role="spectator">
            Watch
          </button>
        </div>
      </form>
    </main>
  )
}
