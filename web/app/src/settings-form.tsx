import { useId, useState, type FormEvent } from 'react'
import type { Settings, TableClient } from '@wordwalls/client'
import { RoundFields, type RoundValues } from './fields.tsx'

// SettingsForm lets the host change the table's settings between rounds;
// they apply from the next round.
export function SettingsForm(props: { client: TableClient; settings: Settings }) {
  const id = useId()
  const [v, setV] = useState<RoundValues>({
    questions: String(props.settings.questions_per_round),
    time: String(props.settings.time_limit),
    public: props.settings.public,
  })
  const [status, setStatus] = useState('')

  function save(e: FormEvent) {
    e.preventDefault()
    const s: Settings = {
      questions_per_round: Number.parseInt(v.questions, 10),
      time_limit: Number.parseInt(v.time, 10),
      public: v.public,
    }
    setStatus('Saving…')
    props.client.settings(s).then((r) => {
      setStatus(r.ok ? 'Saved; they apply from the next round.' : `Not saved: ${r.message}`)
    })
  }

  return (
    <details className="panel settings">
      <summary>Table settings</summary>
      <form onSubmit={save} aria-label="Table settings">
        <RoundFields id={id} value={v} onChange={(k, x) => setV((old) => ({ ...old, [k]: x }))} />
        <button type="submit">Save settings</button>
        <p className="help" role="status">
          {status}
        </p>
      </form>
    </details>
  )
}
