import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { generate, outputFile } from '../scripts/gen-types.mjs'
import { schemaDir } from './vectors'

it('messages.gen.ts is what the schemas generate', async () => {
  const want = await generate(schemaDir)
  const got = readFileSync(outputFile, 'utf8')
  // On failure run `npm run gen` in web/ and commit src/messages.gen.ts.
  expect(got).toBe(want)
}, 30_000)
