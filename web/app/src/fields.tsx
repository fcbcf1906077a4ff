import { useId, type Ref } from 'react'

export const maxNameLength = 40

// NameField is the "Your name" box of the lobby and the join form.
export function NameField(props: {
  value: string
  onChange: (name: string) => void
  error?: string
  inputRef?: Ref<HTMLInputElement>
  autoFocus?: boolean
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Your name</label>
      <input
        id={id}
        ref={props.inputRef}
        type="text"
        value={props.value}
        maxLength={maxNameLength}
        autoComplete="nickname"
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <p id={`${id}-error`} className="error">
          {props.error}
        </p>
      )}
    </div>
  )
}

// NumberField is a whole-number input with its label.
export function NumberField(props: {
  id: string
  label: string
  min: number
  max?: number
  value: string
  onChange: (v: string) => void
  onBlur?: () => void
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        required
        min={props.min}
        max={props.max}
        step={1}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
      />
    </div>
  )
}

// RoundValues are the settings a host may change between rounds, as typed.
export interface RoundValues {
  questions: string
  time: string
  public: boolean
}

// RoundFields are the inputs for RoundValues, with the table's limits:
// 10 to 200 questions, 10 to 3600 seconds.
export function RoundFields(props: {
  id: string
  value: RoundValues
  onChange: (field: keyof RoundValues, v: string | boolean) => void
  publicHelp?: string
}) {
  const { id, value, onChange } = props
  return (
    <>
      <div className="field-row">
        <NumberField
          id={`${id}-questions`}
          label="Questions per round"
          min={10}
          max={200}
          value={value.questions}
          onChange={(v) => onChange('questions', v)}
        />
        <NumberField
          id={`${id}-time`}
          label="Time limit (seconds)"
          min={10}
          max={3600}
          value={value.time}
          onChange={(v) => onChange('time', v)}
        />
      </div>
      <div className="field check">
        <input
          id={`${id}-public`}
          type="checkbox"
          checked={value.public}
          onChange={(e) => onChange('public', e.target.checked)}
        />
        <label htmlFor={`${id}-public`}>Public</label>
        {props.publicHelp && <span className="help"> ({props.publicHelp})</span>}
      </div>
    </>
  )
}
