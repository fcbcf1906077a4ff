import { useId, useState, type FormEvent } from 'react'
import type { Settings, TableClient } from '@wordwalls/client'
import { NumberField } from './fields.tsx'

// SettingsForm lets the host change the table's settings between rounds;
// they apply from the next round.
export function SettingsForm(props: { client: TableClient; settings: Settings }) {
  const id = useId()
  const [questions, setQuestions] = useState(String(props.settings.questions_per_round))
  const [time, setTime] = useState(String(props.settings.time_limit))
  const [isPublic, setPublic] = useState(props.settings.public)
  const [status, setStatus] = useState('')

  function save(e: FormEvent) {
    e.preventDefault()
    const s: Settings = {
      questions_per_round: Number.parseInt(questions, 10),
      time_limit: Number.parseInt(time, 10),
      public: isPublic,
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
        <div className="field-row">
          <NumberField
            id={`${id}-questions`}
            label="Questions per round"
            min={10}
            max={200}
            value={questions}
            onChange={setQuestions}
          />
          <NumberField
            id={`${id}-time`}
            label="Time limit (seconds)"
            min={10}
            max={3600}
            value={time}
            onChange={setTime}
          />
        </div>
        <div className="field check">
          <input
            id={`${id}-public`}
            type="checkbox"
            checked={isPublic}
            onChange={(e) => setPublic(e.target.checked)}
          />
          <label htmlFor={`${id}-public`}>Public</label>
        </div>
        <button type="submit">Save settings</button>
        <p className="help" role="status">
          {status}
        </p>
      </form>
    </details>
  )
}
