import { useId, useRef } from 'react'
import { cleanOrder, fonts, setPrefs, themes, usePrefs, type Font, type Theme } from './prefs.ts'

// PreferencesButton opens the preferences in a modal dialog; every change
// is saved at once.
export function PreferencesButton() {
  const dialog = useRef<HTMLDialogElement>(null)
  const prefs = usePrefs()
  const id = useId()

  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()}>
        Preferences
      </button>
      <dialog ref={dialog} className="prefs" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Preferences</h2>
        <div className="field check">
          <input
            id={`${id}-tiles`}
            type="checkbox"
            checked={prefs.tiles}
            onChange={(e) => setPrefs({ tiles: e.target.checked })}
          />
          <label htmlFor={`${id}-tiles`}>Show tiles</label>
        </div>
        <div className="field">
          <label htmlFor={`${id}-font`}>Font</label>
          <select
            id={`${id}-font`}
            value={prefs.font}
            onChange={(e) => setPrefs({ font: e.target.value as Font })}
          >
            {fonts.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-theme`}>Theme</label>
          <select
            id={`${id}-theme`}
            value={prefs.theme}
            onChange={(e) => setPrefs({ theme: e.target.value as Theme })}
          >
            {themes.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-order`}>Custom letter order</label>
          <input
            id={`${id}-order`}
            type="text"
            value={prefs.order}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-order-help`}
            onChange={(e) => setPrefs({ order: cleanOrder(e.target.value) })}
          />
          <p id={`${id}-order-help`} className="help">
            Key 3 in the guess box puts each tile&apos;s letters in this order; letters left out
            follow alphabetically.
          </p>
        </div>
        <p className="help">
          Keys in the guess box: 1 shuffles the letters, 2 puts them in alphabetical order, 3 in
          your custom order.
        </p>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  )
}
