// Prints the built page's JavaScript and CSS sizes, raw and gzipped, and
// fails when the JavaScript is over its budget.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const budget = 150 * 1024
const assets = new URL('../../webui/dist/app/assets/', import.meta.url).pathname

let total = { js: 0, jsGzip: 0 }
for (const name of readdirSync(assets).sort()) {
  if (!/\.(js|css)$/.test(name)) continue
  const data = readFileSync(join(assets, name))
  const gzipped = gzipSync(data, { level: 9 }).length
  console.log(
    `${name.padEnd(32)} ${String(data.length).padStart(8)} B  ${String(gzipped).padStart(7)} B gzipped`,
  )
  if (name.endsWith('.js')) {
    total.js += data.length
    total.jsGzip += gzipped
  }
}
const kb = (n) => (n / 1024).toFixed(1)
console.log(
  `JavaScript: ${kb(total.js)} KB, ${kb(total.jsGzip)} KB gzipped (budget ${kb(budget)} KB)`,
)
if (total.jsGzip > budget) {
  console.error('the page has outgrown its JavaScript budget')
  process.exit(1)
}
