import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import {
  socketBase,
  TableClient,
  type ClientState,
  type CommandResult,
  type TableEvent,
  type Tile,
} from '@wordwalls/client'
import { messageOf, type TableSummary } from './api.ts'
import { Chat, chatLines } from './chat.tsx'
import { RoundClock, StartingIn } from './clock.tsx'
import { GuessBox } from './guess-box.tsx'
import { customOrdered, shuffled, type LetterOrder } from './letters.ts'
import { usePrefs } from './prefs.ts'
import { navigate } from './route.ts'
import { Scoreboard } from './scoreboard.tsx'
import { tableToken, type JoinRole } from './seat.ts'
import { SettingsForm } from './settings-form.tsx'
import { ShareLink } from './share-link.tsx'
import { Solutions } from './solutions.tsx'
import { Wall } from './wall.tsx'

// How long a refused command's message stays up.
const noticeMs = 8000

// TableRoom keeps one connection to the table for as long as it is shown.
export function TableRoom(props: {
  table: string
  summary: TableSummary
  name: string
  role: JoinRole
}) {
  const { table, name, role } = props
  const [client, setClient] = useState<TableClient>()
  const [tokenError, setTokenError] = useState('')

  useEffect(() => {
    const c = new TableClient({
      url: socketBase(window.location.href),
      table,
      token: async () => {
        try {
          const tok = await tableToken(table, name, role)
          setTokenError('')
          return tok
        } catch (err) {
          setTokenError(messageOf(err))
          throw err
        }
      },
    })
    setClient(c)
    c.connect()
    return () => c.close()
  }, [table, name, role])

  if (!client) {
    return null
  }
  return <Room client={client} summary={props.summary} tokenError={tokenError} />
}

function Room(props: { client: TableClient; summary: TableSummary; tokenError: string }) {
  const { client, summary } = props
  const state = useSyncExternalStore(client.subscribe, client.getState)
  const prefs = usePrefs()
  const guessInput = useRef<HTMLInputElement>(null)

  const t = state.table
  const me = state.me?.id
  const isHost = me !== undefined && t?.host === me
  const phase = t?.phase ?? 'idle'
  const [order, applyOrder] = useLetterOrder(t?.wall ?? [], prefs.order)
  const { said, called } = useTableNews(client)
  const [refusal, setRefusal] = useState<{ text: string }>()

  const names = useMemo(() => new Map(t?.players.map((p) => [p.id, p.name])), [t?.players])
  const nameOf = useCallback((id: string) => names.get(id) ?? id, [names])
  const chat = useMemo(() => chatLines(t?.chat, state.chat), [t?.chat, state.chat])

  // Letters typed anywhere but in a text field go to the guess box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented || !guessInput.current) {
        return
      }
      const target = e.target as HTMLElement
      if (isTextEntry(target) || target.closest('dialog')) {
        return
      }
      if (/^[a-zA-Z]$/.test(e.key)) {
        guessInput.current.focus()
      } else if (e.key === '1' || e.key === '2' || e.key === '3') {
        e.preventDefault()
        applyOrder(e.key === '1' ? 'shuffle' : e.key === '2' ? 'alpha' : 'custom')
        guessInput.current.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [applyOrder])

  function run(command: () => Promise<CommandResult>) {
    setRefusal(undefined)
    command().then((r) => {
      if (!r.ok) {
        setRefusal({ text: r.message })
      }
      guessInput.current?.focus()
    })
  }

  function leave() {
    client.close()
    navigate('/')
  }

  function pickWall() {
    if (!window.getSelection()?.toString()) {
      guessInput.current?.focus()
    }
  }

  const lastRefusal = useFresh(refusal, noticeMs)
  const lastNotice = useFresh(state.notices.at(-1), noticeMs)
  const notice = lastRefusal?.text ?? lastNotice?.message ?? called
  // Before the first round the share link stands in the middle, where the
  // wall will be.
  const firstWait = t !== undefined && phase === 'idle' && !t.answers
  const title = summary.name || `${summary.lexicon} ${summary.length}s`

  return (
    <main className={`room ${prefs.tiles ? 'tiles-on' : 'tiles-off'}`}>
      <div className="room-title">
        <h1>{title}</h1>
        <p className="room-info">
          {summary.lexicon} · {summary.length} letters · probability {summary.prob_min}–
          {summary.prob_max}
          {t && t.round > 0 ? ` · round ${t.round}` : ''}
        </p>
      </div>

      <div className="room-bar">
        <div className="bar-row">
          <RoundClock
            clock={client.clock}
            deadline={phase === 'running' ? t?.deadline : undefined}
            timeLimit={t?.settings.time_limit || summary.time_limit}
          />
          <div className="bar-buttons">
            {isHost && phase === 'idle' && (
              <button type="button" className="primary" onClick={() => run(() => client.start())}>
                Start
              </button>
            )}
            {isHost && phase !== 'idle' && (
              <button type="button" onClick={() => run(() => client.giveUp())}>
                Give up
              </button>
            )}
            <button type="button" onClick={leave}>
              Leave
            </button>
          </div>
          <Connection state={state} tokenError={props.tokenError} />
        </div>
        <GuessBox
          client={client}
          table={t}
          spectator={state.me?.role === 'spectator'}
          inputRef={guessInput}
          onOrder={applyOrder}
        />
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
      </div>

      <div className="room-main">
        <div className="room-play">
          {!t && <p className="waiting">Joining the table…</p>}
          {t && phase === 'countdown' && t.starts_at !== undefined && (
            <StartingIn clock={client.clock} startsAt={t.starts_at} round={t.round} />
          )}
          {t && phase === 'running' && (
            <Wall
              tiles={t.wall}
              solves={t.solves}
              letters={order}
              nameOf={nameOf}
              me={me}
              onPick={pickWall}
            />
          )}
          {firstWait && (
            <>
              <p className="waiting">
                {isHost
                  ? 'Press Start when everyone is here.'
                  : 'Waiting for the host to start a round.'}
              </p>
              <ShareLink table={summary.table} />
            </>
          )}
          {t && phase === 'idle' && t.answers && (
            <Solutions
              round={t.round}
              answers={t.answers}
              reason={t.reason}
              nameOf={nameOf}
              me={me}
            />
          )}
        </div>

        <aside className="room-side">
          <Scoreboard players={t?.players ?? []} host={t?.host} me={me} />
          <Chat client={client} lines={chat} nameOf={nameOf} me={me} />
          {!firstWait && <ShareLink table={summary.table} />}
          {isHost && phase === 'idle' && t && (
            <SettingsForm client={client} settings={t.settings} />
          )}
        </aside>
      </div>

      <div className="sr-only" aria-live="polite" aria-atomic="true">
        {said}
      </div>
    </main>
  )
}

const statusText: Record<ClientState['status'], string> = {
  connecting: 'connecting…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
}

function Connection(props: { state: ClientState; tokenError: string }) {
  const { status, closed } = props.state
  let detail = ''
  if (status === 'closed' && closed) {
    detail = closeReason(closed.code, closed.reason)
  } else if (status !== 'open' && props.tokenError) {
    detail = props.tokenError
  }
  return (
    <p className={`connection ${status}`}>
      <span data-testid="connection">{statusText[status]}</span>
      {detail && <span className="connection-detail"> ({detail})</span>}
    </p>
  )
}

function closeReason(code: number, reason: string): string {
  switch (code) {
    case 4001:
      return 'this seat was not accepted'
    case 4003:
      return 'the seat is for another table'
    case 1000:
      return reason || 'left the table'
  }
  return reason || `code ${code}`
}

// useFresh is value until ms after it last changed, then undefined.
function useFresh<T>(value: T | undefined, ms: number): T | undefined {
  const [stale, setStale] = useState<T>()
  useEffect(() => {
    if (value === undefined) {
      return
    }
    const timer = setTimeout(() => setStale(() => value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return value === stale ? undefined : value
}

function isTextEntry(el: HTMLElement): boolean {
  if (
    el.isContentEditable ||
    el instanceof HTMLTextAreaElement ||
    el instanceof HTMLSelectElement
  ) {
    return true
  }
  if (!(el instanceof HTMLInputElement)) {
    return false
  }
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(el.type)
}

// useLetterOrder keeps the order the wall's letters are shown in, and
// returns it as a function of the tile with a way to change it.
function useLetterOrder(
  wall: Tile[],
  custom: string,
): [(tile: Tile) => string, (o: LetterOrder) => void] {
  const [mode, setMode] = useState<LetterOrder>('alpha')
  const [shuffles, setShuffles] = useState(new Map<string, string>())

  const apply = useCallback(
    (o: LetterOrder) => {
      setMode(o)
      if (o === 'shuffle') {
        setShuffles(new Map(wall.map((t) => [tileKey(t), shuffled(t.alphagram)])))
      }
    },
    [wall],
  )

  const letters = useCallback(
    (tile: Tile) => {
      switch (mode) {
        case 'shuffle':
          return shuffles.get(tileKey(tile)) ?? tile.alphagram
        case 'custom':
          return customOrdered(tile.alphagram, custom)
        case 'alpha':
          return tile.alphagram
      }
    },
    [mode, shuffles, custom],
  )

  return [letters, apply]
}

function tileKey(t: Tile): string {
  return `${t.index}:${t.alphagram}`
}

interface News {
  // The latest news for screen readers.
  said: string
  // Why the latest round was called off before it started.
  called: string
}

// useTableNews follows the table's events for what to announce.
function useTableNews(client: TableClient): News {
  const [said, setSaid] = useState('')
  const [called, setCalled] = useState('')

  useEffect(() => {
    return client.onEvent((ev: TableEvent) => {
      const players = client.getState().table?.players ?? []
      const nameOf = (id: string) => players.find((p) => p.id === id)?.name ?? id
      switch (ev.type) {
        case 'solved':
          setSaid(`${ev.solve.word} solved by ${nameOf(ev.solve.user_id)}`)
          break
        case 'countdown':
          setCalled('')
          break
        case 'round_started':
          setSaid(`Round ${ev.round} started: ${ev.wall.length} alphagrams.`)
          break
        case 'round_over':
          setSaid(`Round ${ev.round} is over.`)
          break
        case 'cancelled': {
          const why =
            ev.reason === 'no_questions'
              ? `Round ${ev.round} was called off: no questions could be had.`
              : `Round ${ev.round} was called off.`
          setSaid(why)
          setCalled(why)
          break
        }
      }
    })
  }, [client])

  return { said, called }
}
