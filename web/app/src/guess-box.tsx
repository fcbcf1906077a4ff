import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { flushSync } from 'react-dom'
import type { GuessOutcome, TableClient, TableView } from '@wordwalls/client'
import { alphagramOf, type LetterOrder } from './letters.ts'

const orderKeys: Record<string, LetterOrder> = { '1': 'shuffle', '2': 'alpha', '3': 'custom' }

type Verdict = GuessOutcome | 'pending'

interface Result {
  word: string
  verdict: Verdict
  // How many times in a row the same word got the same verdict, so that
  // a repeated answer still reads as new.
  times: number
}

// GuessBox is where words are typed. Enter or Space sends the word; keys
// 1, 2 and 3 reorder the letters on the wall instead of being typed.
export function GuessBox(props: {
  client: TableClient
  table: TableView | undefined
  spectator: boolean
  inputRef: RefObject<HTMLInputElement | null>
  onOrder: (order: LetterOrder) => void
}) {
  const { client, table, spectator, inputRef, onOrder } = props
  const id = useId()
  const [text, setText] = useState('')
  const [result, setResult] = useState<Result>()
  const latest = useRef(0)
  const running = table?.phase === 'running'

  // A new round puts the cursor in the box.
  useEffect(() => {
    if (running) {
      inputRef.current?.focus()
    }
  }, [running, table?.round, inputRef])

  // A verdict belongs to the round it was given in: when the round ends or
  // another begins it goes, and so does the answer to a guess still on its
  // way.
  const stage = table ? `${table.phase}:${table.round}` : ''
  useEffect(() => {
    latest.current++
    setResult(undefined)
  }, [stage])

  function show(word: string, verdict: Verdict) {
    setResult((r) => {
      const same = r && r.word === word && r.verdict === verdict
      return { word, verdict, times: same ? r.times + 1 : 1 }
    })
  }

  function submit() {
    const word = text.trim().toUpperCase()
    if (!word) {
      return
    }
    setText('')
    const n = ++latest.current

    // What can be told here is told at once; the server decides the rest.
    const local = spectator ? 'spectator' : localVerdict(word, table)
    if (local) {
      show(word, local)
      return
    }
    show(word, 'pending')
    client.guess(word).then((outcome) => {
      if (n === latest.current) {
        // The verdict goes out in the same frame as the solved word on
        // the wall, not in a frame of its own after it.
        flushSync(() => show(word, outcome))
      }
    })
  }

  function keyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey) {
      return
    }
    const order = orderKeys[e.key]
    if (order) {
      e.preventDefault()
      onOrder(order)
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      submit()
    }
  }

  return (
    <div className="guess">
      <label htmlFor={id} className="guess-label">
        Guess
      </label>
      <input
        id={id}
        ref={inputRef}
        className="guess-input"
        type="text"
        value={text}
        maxLength={15}
        autoFocus
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="characters"
        spellCheck={false}
        enterKeyHint="send"
        placeholder="Type a word"
        aria-describedby={`${id}-keys`}
        onChange={(e) => setText(e.target.value.replace(/[^A-Za-z]/g, '').toUpperCase())}
        onKeyDown={keyDown}
      />
      <span id={`${id}-keys`} className="sr-only">
        Enter or Space sends the word. 1 shuffles the letters, 2 sorts them, 3 puts them in your
        custom order.
      </span>
      <p
        data-testid="guess-result"
        className={`guess-result ${result ? verdictClass(result.verdict) : ''}`}
        aria-live="polite"
        aria-atomic="true"
      >
        {result && resultText(result)}
      </p>
    </div>
  )
}

// localVerdict is the answer to a guess that needs no server: a word
// already found, or letters that match no alphagram on the wall.
function localVerdict(word: string, table: TableView | undefined): Verdict | undefined {
  if (!table || table.phase !== 'running') {
    return undefined
  }
  if (table.solves.some((s) => s.word === word)) {
    return 'already_solved'
  }
  const a = alphagramOf(word)
  if (!table.wall.some((t) => t.alphagram === a)) {
    return 'wrong'
  }
  return undefined
}

function resultText(r: Result): string {
  const again = r.times > 1 ? ` ×${r.times}` : ''
  switch (r.verdict) {
    case 'pending':
      return `${r.word}…`
    case 'solved':
      return `✓ ${r.word} correct${again}`
    case 'wrong':
      return `✗ ${r.word} wrong${again}`
    case 'already_solved':
      return `${r.word} already solved${again}`
    case 'too_late':
      return `${r.word}: too late, the round is over${again}`
    case 'not_running':
      return `${r.word}: no round is running${again}`
    case 'spectator':
      return `${r.word}: spectators cannot guess${again}`
    case 'invalid':
      return `${r.word}: not a guess the server takes${again}`
    case 'rate_limited':
      return `${r.word}: too many guesses at once, try again${again}`
    case 'unknown':
      return `${r.word}: no answer from the server${again}`
  }
}

function verdictClass(v: Verdict): string {
  switch (v) {
    case 'solved':
      return 'good'
    case 'wrong':
      return 'bad'
    case 'pending':
      return 'pending'
    default:
      return 'meh'
  }
}
