import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Proxy } from './proxy.ts'
import { Server } from './server.ts'
import { createTable, issueToken, WireClient } from './wire.ts'
import { alphagram, loadEnable } from './words.ts'

// The pieces the browser tests stand on, checked without a browser: the
// word list, the real server, and the proxy that cuts the network.

const words = loadEnable()
let server: Server
let proxy: Proxy

beforeAll(async () => {
  server = await Server.start()
  proxy = await Proxy.start(server.port)
})

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

describe('word index', () => {
  test('anagrams_by_alphagram', () => {
    expect(words.size).toBeGreaterThan(160_000)
    expect(alphagram('retains')).toBe('AEINRST')
    expect(words.answers('QQQQQQQ')).toEqual([])
    expect(words.answers('NASTIER')).toEqual([
      'ANESTRI',
      'ANTSIER',
      'NASTIER',
      'RATINES',
      'RETAINS',
      'RETINAS',
      'RETSINA',
      'STAINER',
      'STEARIN',
    ])
  })

  test('hooks', () => {
    expect(words.hooks('TRAINED')).toEqual({ front: 'S', back: '' })
    expect(words.hooks('STEARIN')).toEqual({ front: '', back: 'ES' })
  })
})

describe('server', () => {
  test('serves_the_page_and_api', async () => {
    const page = await fetch(`${server.origin}/`)
    expect(page.status).toBe(200)
    const lex = (await (await fetch(`${server.origin}/api/lexicons`)).json()) as {
      lexicons: { name: string; lengths: Record<string, number> }[]
    }
    expect(lex.lexicons.map((l) => l.name)).toContain('ENABLE')
  })

  test('walls_agree_with_the_word_list', async () => {
    const t = await createTable(server.origin, {
      length: 7,
      prob_min: 1,
      prob_max: 20,
      questions_per_round: 10,
      time_limit: 60,
      public: false,
      player: 'Host',
    })
    const host = await WireClient.connect(server.origin, t.table, t.token)
    await host.startRound()
    expect(host.wall).toHaveLength(10)
    for (const tile of host.wall) expect(words.answers(tile.alphagram)).toHaveLength(tile.answers)

    const word = words.answers(host.wall[0].alphagram)[0]
    await host.guess(word)
    await host.waitFor(() => host.solves.some((s) => s.word === word))
    await host.giveUp()
    await host.waitFor(() => host.phase === 'idle')
    const answer = host.answers.find((a) => a.alphagram === host.wall[0].alphagram)
    for (const w of answer?.words ?? []) {
      const hooks = words.hooks(w.word)
      expect({ word: w.word, front: w.front_hooks, back: w.back_hooks }).toEqual({
        word: w.word,
        ...hooks,
      })
    }
    host.close()
  })
})

describe('proxy', () => {
  test('cut_drops_live_connections_and_holds_new_ones', async () => {
    const t = await createTable(server.origin, {
      length: 7,
      prob_min: 1,
      prob_max: 20,
      questions_per_round: 10,
      time_limit: 60,
      public: false,
      player: 'Host',
    })
    const seat = await issueToken(server.origin, t.table, 'Through')
    const c = await WireClient.connect(proxy.origin, t.table, seat.token)
    expect(proxy.open).toBe(1)

    proxy.cut()
    expect(await c.closed).toBe(1006)

    // A connection started during the cut gets no answer until the restore.
    const again = await issueToken(server.origin, t.table, 'Later')
    const url = `${proxy.origin.replace('http', 'ws')}/ws/${t.table}?token=${again.token}`
    const ws = new WebSocket(url)
    let opened = false
    ws.on('open', () => (opened = true))
    await new Promise((r) => setTimeout(r, 500))
    expect(opened).toBe(false)
    proxy.restore()
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.close()
  })
})
