import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { ChatEvent, TableClient } from '@wordwalls/client'

const maxChat = 280

// Chat is the table's chat: the lines so far, oldest first, and a box to
// add one. Lines are shown as plain text.
export function Chat(props: {
  client: TableClient
  lines: ChatEvent[]
  nameOf: (userID: string) => string
  me: string | undefined
}) {
  const id = useId()
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const log = useRef<HTMLOListElement>(null)

  // Keep the newest line in view.
  useEffect(() => {
    const el = log.current
    if (el) {
      el.scrollTop = el.scrollHeight
    }
  }, [props.lines.length])

  function send(e: FormEvent) {
    e.preventDefault()
    const line = text.trim()
    if (!line) {
      return
    }
    setText('')
    setError('')
    props.client.chat(line).then((r) => {
      if (!r.ok) {
        setError(`Not sent: ${r.message}`)
      }
    })
  }

  return (
    <section className="panel chat" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Chat</h2>
      <ol role="log" aria-label="Chat" className="chat-log" ref={log} tabIndex={0}>
        {props.lines.map((c) => (
          <li key={c.seq} className={c.user_id === props.me ? 'mine' : undefined}>
            <span className="chat-name">{props.nameOf(c.user_id)}:</span> {c.text}
          </li>
        ))}
      </ol>
      <form onSubmit={send} className="chat-form">
        <label htmlFor={`${id}-text`} className="sr-only">
          Chat message
        </label>
        <input
          id={`${id}-text`}
          type="text"
          value={text}
          maxLength={maxChat}
          autoComplete="off"
          placeholder="Say something"
          onChange={(e) => setText(e.target.value.replace(/[\u0000-\u001f]/g, ''))}
        />
        <button type="submit">Send</button>
      </form>
      {error && (
        <p className="error" role="status">
          {error}
        </p>
      )}
    </section>
  )
}

// chatLines merges the chat kept in the table view with the chat events
// seen on the connection, by seq, oldest first.
export function chatLines(kept: ChatEvent[] | undefined, seen: ChatEvent[]): ChatEvent[] {
  const bySeq = new Map<number, ChatEvent>()
  for (const c of kept ?? []) {
    bySeq.set(c.seq, c)
  }
  for (const c of seen) {
    bySeq.set(c.seq, c)
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}
