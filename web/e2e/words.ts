import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

const defaultList = new URL('../../backend/wordlists/ENABLE.txt.gz', import.meta.url)

/** The letters of word in alphabetical order, upper case. */
export function alphagram(word: string): string {
  return [...word.toUpperCase()].sort().join('')
}

/** Hooks of one word: letters that make another word when added in front or behind. */
export interface Hooks {
  front: string
  back: string
}

/** The ENABLE list, read by the tests themselves so they never ask the server for answers. */
export class WordIndex {
  private readonly byAlphagram = new Map<string, string[]>()
  private readonly words = new Set<string>()

  constructor(list: Iterable<string>) {
    for (const raw of list) {
      const word = raw.trim().toUpperCase()
      if (!/^[A-Z]{2,15}$/.test(word)) continue
      this.words.add(word)
      const key = alphagram(word)
      const anagrams = this.byAlphagram.get(key)
      if (anagrams) anagrams.push(word)
      else this.byAlphagram.set(key, [word])
    }
    for (const anagrams of this.byAlphagram.values()) anagrams.sort()
  }

  /** Every word of the alphagram of letters, in alphabetical order. */
  answers(letters: string): string[] {
    return this.byAlphagram.get(alphagram(letters)) ?? []
  }

  has(word: string): boolean {
    return this.words.has(word.toUpperCase())
  }

  hooks(word: string): Hooks {
    let front = ''
    let back = ''
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      if (this.words.has(c + word)) front += c
      if (this.words.has(word + c)) back += c
    }
    return { front, back }
  }

  get size(): number {
    return this.words.size
  }
}

let enable: WordIndex | undefined

/** The ENABLE list shipped with the back end, loaded once per test file. */
export function loadEnable(path: string | URL = defaultList): WordIndex {
  if (!enable) {
    const text = gunzipSync(readFileSync(path)).toString('utf8')
    enable = new WordIndex(text.split('\n'))
  }
  return enable
}
