import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  applyEvent,
  commandProblem,
  isTableEvent,
  parseServerMessage,
  type Command,
  type JoinClaims,
} from '../src'
import { loadSchemas, schemaDir, snapshotTable, validator, vectors } from './vectors'

const ajv = loadSchemas()

// The kinds of testdata/ that the client has types for.
const kinds = ['command', 'event', 'join_claims']

describe.each(kinds)('%s vectors', (kind) => {
  const validate = validator(ajv, kind)

  it.each(vectors(kind, 'valid').map((v) => [v.name, v] as const))('valid %s', (_, v) => {
    expect(validate(v.value), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each(vectors(kind, 'invalid').map((v) => [v.name, v] as const))('invalid %s', (_, v) => {
    expect(validate(v.value)).toBe(false)
  })
})

// typeValues lists the const type of every branch of a schema's oneOf.
function typeValues(kind: string): string[] {
  const schema = JSON.parse(readFileSync(join(schemaDir, `${kind}.json`), 'utf8')) as {
    oneOf: { $ref: string }[]
    $defs: Record<string, { properties: { type: { const: string } } }>
  }
  return schema.oneOf.map((ref) => {
    const name = ref.$ref.slice(ref.$ref.lastIndexOf('/') + 1)
    const def = schema.$defs[name]
    if (def === undefined) throw new Error(`${kind}: no definition ${name}`)
    return def.properties.type.const
  })
}

describe('every type has a valid vector', () => {
  it.each(['command', 'event'])('%s', (kind) => {
    const seen = new Set(vectors(kind, 'valid').map((v) => (v.value as { type: string }).type))
    expect([...seen].sort()).toEqual(typeValues(kind).sort())
  })
})

describe('valid events decode', () => {
  const viewSchema = validator(ajv, 'event', 'TableView')
  // A running table at seq 12 that every event can apply to.
  const base = snapshotTable('snapshot-running')

  it.each(vectors('event', 'valid').map((v) => [v.name, v] as const))('%s', (_, v) => {
    const msg = parseServerMessage(v.text)
    expect(msg).toEqual(v.value)
    if (msg === undefined) return
    expect(JSON.parse(JSON.stringify(msg))).toEqual(v.value)
    expect(isTableEvent(msg)).toBe('seq' in msg)
    if (!isTableEvent(msg)) return

    const view = applyEvent({ ...base, seq: msg.seq - 1 }, msg)
    expect(view.seq).toBe(msg.seq)
    expect(viewSchema(view), JSON.stringify(viewSchema.errors)).toBe(true)
  })
})

describe('parseServerMessage refuses', () => {
  it.each([
    ['not JSON', '{"type":'],
    ['not an object', '"welcome"'],
    ['null', 'null'],
    ['no type', '{"seq":3}'],
    ['an unknown type', '{"type":"hello"}'],
    ['a table event without seq', '{"type":"chat","ts":1,"user_id":"u","text":"x"}'],
    ['a seq of 0', '{"type":"left","seq":0,"ts":1,"user_id":"u"}'],
    ['a fractional seq', '{"type":"left","seq":1.5,"ts":1,"user_id":"u"}'],
  ])('%s', (_, text) => {
    expect(parseServerMessage(text)).toBeUndefined()
  })

  it('binary data', () => {
    expect(parseServerMessage(new Uint8Array([123, 125]))).toBeUndefined()
  })
})

describe('valid commands pass the client check', () => {
  it.each(vectors('command', 'valid').map((v) => [v.name, v] as const))('%s', (_, v) => {
    expect(commandProblem(v.value as Command)).toBeUndefined()
  })
})

describe('valid join claims have the JoinClaims shape', () => {
  it.each(vectors('join_claims', 'valid').map((v) => [v.name, v] as const))('%s', (_, v) => {
    const claims = v.value as JoinClaims
    expect(Object.keys(claims).sort()).toEqual(['exp', 'name', 'role', 'table', 'uid'])
  })
})
