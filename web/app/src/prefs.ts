// Display preferences, kept in localStorage under ww.prefs and shared by
// every component through one small store.

import { useSyncExternalStore } from 'react'
import { readStored, writeStored } from './seat.ts'

export type Theme = 'system' | 'light' | 'dark'
export type Font = 'sans' | 'serif' | 'mono' | 'wide'

export interface Prefs {
  tiles: boolean
  font: Font
  theme: Theme
  // Key 3 puts each tile's letters in this order; letters it leaves out
  // come after, alphabetically.
  order: string
}

export const fonts: { value: Font; label: string }[] = [
  { value: 'sans', label: 'Sans-serif' },
  { value: 'serif', label: 'Serif' },
  { value: 'mono', label: 'Monospace' },
  { value: 'wide', label: 'Wide sans-serif' },
]

export const themes: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

const storageKey = 'ww.prefs'
const defaults: Prefs = { tiles: true, font: 'sans', theme: 'system', order: 'AEIOU' }

let current = load()
const listeners = new Set<() => void>()

function load(): Prefs {
  const raw = readStored(storageKey)
  if (!raw) {
    return defaults
  }
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof Prefs, unknown>>
    return {
      tiles: typeof v.tiles === 'boolean' ? v.tiles : defaults.tiles,
      font: fonts.some((f) => f.value === v.font) ? (v.font as Font) : defaults.font,
      theme: themes.some((t) => t.value === v.theme) ? (v.theme as Theme) : defaults.theme,
      order: typeof v.order === 'string' ? cleanOrder(v.order) : defaults.order,
    }
  } catch {
    return defaults
  }
}

// cleanOrder keeps the letters A to Z of s, each once, in upper case.
export function cleanOrder(s: string): string {
  return [...new Set(s.toUpperCase().replace(/[^A-Z]/g, ''))].join('')
}

export function getPrefs(): Prefs {
  return current
}

export function setPrefs(change: Partial<Prefs>): void {
  current = { ...current, ...change }
  writeStored(storageKey, JSON.stringify(current))
  applyPrefs(current)
  listeners.forEach((fn) => fn())
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function usePrefs(): Prefs {
  return useSyncExternalStore(subscribe, getPrefs)
}

// applyPrefs sets the theme and font on the document element, where the
// style sheet picks them up.
export function applyPrefs(p: Prefs): void {
  const root = document.documentElement
  if (p.theme === 'system') {
    delete root.dataset.theme
  } else {
    root.dataset.theme = p.theme
  }
  root.dataset.font = p.font
  root.dataset.tiles = p.tiles ? 'on' : 'off'
}

// Another tab changed the preferences.
window.addEventListener('storage', (e) => {
  if (e.key === storageKey) {
    current = load()
    applyPrefs(current)
    listeners.forEach((fn) => fn())
  }
})
