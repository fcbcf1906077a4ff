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
