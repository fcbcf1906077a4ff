import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import {
  createTable,
  listLexicons,
  listTables,
  messageOf,
  type Lexicon,
  type TableLive,
  type TableSummary,
} from './api.ts'
import { clockText } from './format.ts'
import { NameField, NumberField, RoundFields, type RoundValues } from './fields.tsx'
import { followLink, isTableId, navigate, tablePath } from './route.ts'
import { loadName, rememberCreated, saveName, saveSeat } from './seat.ts'

const refreshMs = 5000

export function Lobby() {
  const [name, setName] = useState(loadName)
  const [nameError, setNameError] = useState('')
  const nameInput = useRef<HTMLInputElement>(null)

  function changeName(v: string) {
    setName(v)
    setNameError('')
    saveName(v.trim())
  }

  // needName reports whether a name is missing, and asks for one.
  function needName(): boolean {
    if (name.trim() !== '') {
      return false
    }
    setNameError('Choose a name first: the others at the table see it.')
    nameInput.current?.focus()
    return true
  }

  return (
    <main className="page lobby">
      <h1>Wordwalls</h1>
      <p className="intro">
        Study anagrams together: a wall of alphagrams, a clock, and everyone racing to find the
        words.
      </p>
      <NameField value={name} onChange={changeName} error={nameError} inputRef={nameInput} />
      <div className="lobby-columns">
        <PublicTables />
        <div>
          <CreateTableForm name={name.trim()} needName={needName} />
          <JoinByLink />
        </div>
      </div>
    </main>
  )
}

function PublicTables() {
  const [tables, setTables] = useState<TableSummary[]>()
  const [error, setError] = useState('')

  useEffect(() => {
    let live = true
    const load = () => {
      listTables().then(
        (ts) => {
          if (live) {
            setTables([...ts].sort((a, b) => b.created_at - a.created_at))
            setError('')
          }
        },
        (err: unknown) => live && setError(messageOf(err)),
      )
    }
    load()
    const timer = setInterval(load, refreshMs)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])

  return (
    <section aria-labelledby="public-tables" className="panel">
      <h2 id="public-tables">Public tables</h2>
      {error && (
        <p className="error" role="status">
          Could not load the tables: {error}
        </p>
      )}
      {tables === undefined && !error && <p>Loading…</p>}
      {tables?.length === 0 && <p>No public tables right now. Create one!</p>}
      {tables !== undefined && tables.length > 0 && (
        <div className="table-scroll">
          <table className="tables" role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  Table
                </th>
                <th scope="col" role="columnheader">
                  Words
                </th>
                <th scope="col" role="columnheader">
                  Players
                </th>
                <th scope="col" role="columnheader" className="wide-only">
                  Round
                </th>
                <th scope="col" role="columnheader">
                  <span className="sr-only">Join</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {tables.map((t) => (
                <tr key={t.table} role="row">
                  <th scope="row" role="rowheader">
                    {t.name || t.table}
                  </th>
                  <td role="cell">
                    {t.lexicon}, {t.length} letters
                    <br />
                    <span className="help">
                      probability {t.prob_min}–{t.prob_max}
                    </span>
                  </td>
                  <td role="cell">
                    <LiveCell live={t.live} />
                  </td>
                  <td role="cell" className="wide-only">
                    {t.questions_per_round} questions
                    <br />
                    <span className="help">{clockText(t.time_limit)}</span>
                  </td>
                  <td role="cell">
                    <a href={tablePath(t.table)} onClick={followLink} className="button-link">
                      Join
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function LiveCell({ live }: { live: TableLive | undefined }) {
  if (!live) return <span className="help">new</span>
  const who = live.players.length === 0 ? 'nobody' : live.players.join(', ')
  return (
    <>
      {who}
      <br />
      <span className="help">{phaseText(live)}</span>
    </>
  )
}

function phaseText(live: TableLive): string {
  switch (live.phase) {
    case 'running':
      return `playing round ${live.round}`
    case 'countdown':
      return `round ${live.round} starting`
    default:
      return live.round === 0 ? 'waiting to start' : `between rounds (${live.round} played)`
  }
}

interface CreateFields extends RoundValues {
  title: string
  lexicon: string
  length: string
  probMin: string
  probMax: string
}

function CreateTableForm(props: { name: string; needName: () => boolean }) {
  const id = useId()
  const [lexicons, setLexicons] = useState<Lexicon[]>()
  const [f, setF] = useState<CreateFields>({
    title: '',
    lexicon: '',
    length: '7',
    probMin: '1',
    probMax: '',
    questions: '50',
    time: '300',
    public: true,
  })
  // Until the user sets the highest probability, it follows the number of
  // alphagrams of the chosen length.
  const [maxTouched, setMaxTouched] = useState(false)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    listLexicons().then(
      (ls) => {
        if (live) {
          setLexicons(ls)
          setF((f) => ({ ...f, lexicon: f.lexicon || (ls[0]?.name ?? '') }))
        }
      },
      (err: unknown) => live && setError(`Could not load the word lists: ${messageOf(err)}`),
    )
    return () => {
      live = false
    }
  }, [])

  const lex = lexicons?.find((l) => l.name === f.lexicon)
  const length = Number.parseInt(f.length, 10)
  const count = lex?.lengths[String(length)] ?? 0
  const shown = { ...f, probMax: maxTouched ? f.probMax : count ? String(count) : '' }

  function set<K extends keyof CreateFields>(key: K, value: CreateFields[K]) {
    setF((f) => ({ ...f, [key]: value }))
    setError('')
  }

  // clampProbs keeps the range within the chosen length's alphagrams.
  function clampProbs() {
    if (!count) {
      return
    }
    setF((f) => {
      const lo = clamp(Number.parseInt(f.probMin, 10) || 1, 1, count)
      const hi = maxTouched ? clamp(Number.parseInt(f.probMax, 10) || count, lo, count) : count
      return { ...f, probMin: String(lo), probMax: String(hi) }
    })
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (props.needName()) {
      return
    }
    const lo = Number.parseInt(shown.probMin, 10)
    const hi = Number.parseInt(shown.probMax, 10)
    if (!lex || !count) {
      setError('Choose a word list and a word length that has words.')
      return
    }
    if (!(lo >= 1 && hi >= lo && hi <= count)) {
      setError(`The probability range must lie within 1–${count}, lowest first.`)
      return
    }

    setBusy(true)
    try {
      const res = await createTable({
        ...(f.title.trim() ? { name: f.title.trim() } : {}),
        lexicon: lex.name,
        length,
        prob_min: lo,
        prob_max: hi,
        questions_per_round: Number.parseInt(f.questions, 10),
        time_limit: Number.parseInt(f.time, 10),
        public: f.public,
        player: props.name,
      })
      saveSeat(res.table, { user_id: res.user_id, key: res.key })
      rememberCreated(res.table, res.token)
      navigate(tablePath(res.table))
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

  return (
    <section className="panel">
      <h2 id={`${id}-title`}>Create a table</h2>
      <form aria-labelledby={`${id}-title`} onSubmit={submit} className="create-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>Table name (optional)</label>
          <input
            id={`${id}-name`}
            type="text"
            maxLength={60}
            value={f.title}
            onChange={(e) => set('title', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-lexicon`}>Word list</label>
          <select
            id={`${id}-lexicon`}
            value={f.lexicon}
            onChange={(e) => set('lexicon', e.target.value)}
            required
          >
            {lexicons?.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field-row">
          <NumberField
            id={`${id}-length`}
            label="Word length"
            min={2}
            max={15}
            value={f.length}
            onChange={(v) => set('length', v)}
            onBlur={clampProbs}
          />
          <NumberField
            id={`${id}-min`}
            label="Lowest probability"
            min={1}
            max={count || undefined}
            value={shown.probMin}
            onChange={(v) => set('probMin', v)}
            onBlur={clampProbs}
          />
          <NumberField
            id={`${id}-max`}
            label="Highest probability"
            min={1}
            max={count || undefined}
            value={shown.probMax}
            onChange={(v) => {
              setMaxTouched(true)
              set('probMax', v)
            }}
            onBlur={clampProbs}
          />
        </div>
        <p className="help" aria-live="polite">
          {count
            ? `${count.toLocaleString()} alphagrams of ${length} letters; 1 is the likeliest.`
            : lexicons
              ? 'No words of this length in this list.'
              : ''}
        </p>
        <RoundFields
          id={id}
          value={f}
          onChange={(k, v) => setF((old) => ({ ...old, [k]: v }))}
          publicHelp="listed here for anyone to join"
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !lexicons}>
          Create table
        </button>
      </form>
    </section>
  )
}

function JoinByLink() {
  const id = useId()
  const [link, setLink] = useState('')
  const [error, setError] = useState('')

  function submit(e: FormEvent) {
    e.preventDefault()
    const table = tableFromLink(link.trim())
    if (!table) {
      setError('Paste a table link such as https://…/t/abc123, or a table id.')
      return
    }
    navigate(tablePath(table))
  }

  return (
    <section className="panel">
      <h2 id={`${id}-title`}>Join by link</h2>
      <form aria-labelledby={`${id}-title`} onSubmit={submit} className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-link`}>Table link or id</label>
          <input
            id={`${id}-link`}
            type="text"
            value={link}
            autoComplete="off"
            onChange={(e) => {
              setLink(e.target.value)
              setError('')
            }}
          />
        </div>
        <button type="submit">Open table</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

function tableFromLink(s: string): string | undefined {
  const m = /\/t\/([A-Za-z0-9_-]{1,64})\/?(?:[?#].*)?$/.exec(s)
  if (m) {
    return m[1]
  }
  return isTableId(s) ? s : undefined
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n))
}
