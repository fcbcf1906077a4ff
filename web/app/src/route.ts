// Which page to show, from the location: / is the lobby, /t/{table} a
// table. Links within the page go through navigate, which keeps history.

import { useSyncExternalStore, type MouseEvent } from 'react'

export type Route = { page: 'lobby' } | { page: 'table'; table: string } | { page: 'missing' }

const tableIdPattern = /^[A-Za-z0-9_-]{1,64}$/

export function isTableId(s: string): boolean {
  return tableIdPattern.test(s)
}

export function tablePath(table: string): string {
  return `/t/${table}`
}

export function tableURL(table: string): string {
  return new URL(tablePath(table), window.location.origin).href
}

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') {
    return { page: 'lobby' }
  }
  const table = /^\/t\/([^/]+)\/?$/.exec(path)?.[1]
  if (table !== undefined && isTableId(table)) {
    return { page: 'table', table }
  }
  return { page: 'missing' }
}

const listeners = new Set<() => void>()

function subscribe(fn: () => void): () => void {
  listeners.add(fn)
  window.addEventListener('popstate', fn)
  return () => {
    listeners.delete(fn)
    window.removeEventListener('popstate', fn)
  }
}

function currentPath(): string {
  return window.location.pathname
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath)
}

export function navigate(path: string): void {
  if (path !== window.location.pathname) {
    window.history.pushState(null, '', path)
    listeners.forEach((fn) => fn())
  }
  window.scrollTo(0, 0)
}

// followLink makes a plain click on an in-page link navigate without a
// reload; clicks with a modifier keep the browser's own behaviour.
export function followLink(e: MouseEvent<HTMLAnchorElement>): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
    return
  }
  e.preventDefault()
  navigate(e.currentTarget.pathname)
}
