import { useId, useRef, useState } from 'react'
import { tableURL } from './route.ts'

// ShareLink shows the table's address with a button to copy it.
export function ShareLink(props: { table: string }) {
  const id = useId()
  const input = useRef<HTMLInputElement>(null)
  const [copied, setCopied] = useState('')
  const url = tableURL(props.table)

  async function copy() {
    try {
      await navigator.clipboard.writeText(url)
      setCopied('Link copied.')
    } catch {
      // Without clipboard access, leave the link selected to copy by hand.
      input.current?.select()
      setCopied('Press Ctrl+C (or ⌘C) to copy the selected link.')
    }
  }

  return (
    <section className="panel share" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Share this link</h2>
      <div className="share-row">
        <input
          ref={input}
          type="text"
          readOnly
          value={url}
          aria-label="Table link"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={copy}>
          Copy link
        </button>
      </div>
      <p className="help" role="status">
        {copied}
      </p>
    </section>
  )
}
