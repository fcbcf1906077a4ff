// The orders a tile's letters can be shown in.

export type LetterOrder = 'alpha' | 'shuffle' | 'custom'

// shuffled returns the letters of s in a random order, a different one
// from s whenever the letters allow it.
export function shuffled(s: string, random: () => number = Math.random): string {
  const letters = [...s]
  for (let attempt = 0; attempt < 4; attempt++) {
    for (let i = letters.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      const c = letters[i] ?? ''
      letters[i] = letters[j] ?? ''
      letters[j] = c
    }
    if (letters.join('') !== s) {
      break
    }
  }
  return letters.join('')
}

// customOrdered puts the letters of s in the order the letters appear in
// order; letters order leaves out come last, alphabetically.
export function customOrdered(s: string, order: string): string {
  const rank = (c: string) => {
    const i = order.indexOf(c)
    return i < 0 ? order.length + c.charCodeAt(0) : i
  }
  return [...s].sort((a, b) => rank(a) - rank(b)).join('')
}

// alphagramOf sorts the letters of a word.
export function alphagramOf(word: string): string {
  return [...word].sort().join('')
}
