import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020'
import type { ServerMessage, TableEvent, TableView } from '../src'

/** The repository's schemas/ folder. */
export const schemaDir = fileURLToPath(new URL('../../../schemas/', import.meta.url))
const testdata = join(schemaDir, 'testdata')

export interface Vector {
  name: string
  text: string
  value: unknown
}

/** The files of testdata/KIND/VALIDITY, by name. */
export function vectors(kind: string, validity: 'valid' | 'invalid'): Vector[] {
  const dir = join(testdata, kind, validity)
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8')
      return { name, text, value: JSON.parse(text) as unknown }
    })
}

/** One valid vector, parsed, by kind and file name. */
export function vector<T>(kind: string, name: string): T {
  const v = vectors(kind, 'valid').find((x) => x.name === name)
  if (v === undefined) throw new Error(`no vector ${kind}/valid/${name}`)
  return v.value as T
}

export const event = (name: string): TableEvent => vector<TableEvent>('event', `${name}.json`)

export function snapshotTable(name: string): TableView {
  const msg = vector<ServerMessage>('event', `${name}.json`)
  if (msg.type !== 'snapshot') throw new Error(`${name} is not a snapshot`)
  return msg.table
}

const schemaBase = 'https://github.com/wordwalls/wordwalls/schemas/'

/** An Ajv holding every schema in schemas/, each under its $id. */
export function loadSchemas(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true })
  for (const name of readdirSync(schemaDir).filter((n) => n.endsWith('.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as object)
  }
  return ajv
}

/** The validator for a kind's schema, or for one of its $defs. */
export function validator(ajv: Ajv2020, kind: string, def?: string) {
  const id = `${schemaBase}${kind}.json${def === undefined ? '' : `#/$defs/${def}`}`
  const validate = ajv.getSchema(id)
  if (validate === undefined) throw new Error(`no schema ${id}`)
  return validate
}
