'use strict'
// Options, environment variables, concurrency and the event loop.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Client } = require('..')
const { withEmulator, DOCUMENTED } = require('./helpers')

test('defaults and options', () => {
  const saved = process.env.DIALTIME_BASE_URL
  delete process.env.DIALTIME_BASE_URL
  try {
    const c = new Client({ token: 't' })
    assert.deepEqual([c.baseUrl, c.timeoutMs, c.connectTimeoutMs, c.maxRetries], ['https://ai.api.longlonglong.cn', 30000, 10000, 2])
    const d = new Client({ token: 't', baseUrl: 'http://10.0.0.1:8080/api/', timeoutMs: 1500, connectTimeoutMs: 250, maxRetries: 0 })
    assert.deepEqual([d.baseUrl, d.timeoutMs, d.connectTimeoutMs, d.maxRetries], ['http://10.0.0.1:8080/api', 1500, 250, 0])
  } finally {
    if (saved !== undefined) process.env.DIALTIME_BASE_URL = saved
  }
})

test('DIALTIME_TOKEN and DIALTIME_BASE_URL configure a client', async () => {
  await withEmulator(async (emu) => {
    process.env.DIALTIME_TOKEN = emu.token
    process.env.DIALTIME_BASE_URL = emu.baseUrl
    try {
      const client = new Client()
      assert.equal(client.baseUrl, emu.baseUrl)
      assert.ok((await client.dialTimeGroups.create(emu.userId, DOCUMENTED)).id >= 1)
    } finally {
      delete process.env.DIALTIME_TOKEN
      delete process.env.DIALTIME_BASE_URL
    }
  })
})

test('a worker thread reads DIALTIME_* from its own process.env, not the process environment', async () => {
  // A worker's process.env is its own copy (`new Worker(file, { env })`, or changed there): the
  // client read the process's environment, so a worker given another token called with the
  // main thread's, and `process.env.DIALTIME_TOKEN = …` in a worker had no effect.
  const { Worker } = require('node:worker_threads')
  const { once } = require('node:events')
  await withEmulator(async (emu) => {
    process.env.DIALTIME_TOKEN = 'the-main-threads-stale-token'
    process.env.DIALTIME_BASE_URL = 'http://127.0.0.1:9'
    try {
      const source = `
        const { parentPort, workerData } = require('node:worker_threads')
        const { Client } = require(workerData.pkg)
        ;(async () => {
          const given = new Client()
          const listed = await given.dialTimeGroups.list(workerData.userId)
          process.env.DIALTIME_BASE_URL = 'http://127.0.0.1:10/changed'
          const changed = new Client().baseUrl
          delete process.env.DIALTIME_TOKEN
          let missing = null
          try { new Client() } catch (e) { missing = e.name + ': ' + e.message }
          parentPort.postMessage({ baseUrl: given.baseUrl, listed: Array.isArray(listed.data), changed, missing })
        })().catch((e) => parentPort.postMessage({ error: String(e) }))`
      const worker = new Worker(source, {
        eval: true,
        workerData: { pkg: require.resolve('..'), userId: emu.userId },
        env: { ...process.env, DIALTIME_TOKEN: emu.token, DIALTIME_BASE_URL: emu.baseUrl },
      })
      // Listened for first: a worker that ends before its message is read emits 'message'
      // and 'exit' in one go (Node drains its port at exit), and a later `once` missed the exit.
      const exited = once(worker, 'exit')
      const [got] = await once(worker, 'message')
      await exited
      assert.deepEqual(got, {
        baseUrl: emu.baseUrl,
        listed: true,
        changed: 'http://127.0.0.1:10/changed',
        missing: 'ConfigError: configuration error: no token: pass one to the client or set DIALTIME_TOKEN',
      })
      // The main thread's own environment is untouched by the worker's.
      assert.equal(new Client().baseUrl, 'http://127.0.0.1:9')
    } finally {
      delete process.env.DIALTIME_TOKEN
      delete process.env.DIALTIME_BASE_URL
    }
  })
})

test('the saved group is a plain object with the wire field names', async () => {
  await withEmulator(async (emu, client) => {
    const g = await client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, sub_user_id: undefined })
    assert.deepEqual(Object.keys(g), [
      'id', 'name', 'user_id', 'content', 'is_default', 'skip_holiday', 'remark',
      'created_at', 'updated_at', 'created_at_text', 'updated_at_text',
    ])
    assert.equal(Object.getPrototypeOf(g), Object.prototype)
    assert.equal(g.user_id, emu.userId)
    assert.deepEqual(g.content, DOCUMENTED.content)
    assert.equal(g.remark, null)
    // A Date is the instant the platform means (China time); the text keeps the offset.
    assert.ok(g.created_at instanceof Date)
    assert.ok(Math.abs(Date.now() - g.created_at.getTime()) < 60_000)
    assert.match(g.created_at_text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/)
    assert.equal(new Date(g.created_at_text).getTime(), g.created_at.getTime())
  })
})

test('100 concurrent creates with Promise.all get distinct ids', async () => {
  await withEmulator(async (emu, client) => {
    const groups = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, name: `组 ${i}`, is_default: false })),
    )
    assert.equal(new Set(groups.map((g) => g.id)).size, 100)
    assert.deepEqual(groups.map((g) => g.name).sort(), Array.from({ length: 100 }, (_, i) => `组 ${i}`).sort())
  })
})

test('timers keep firing while a call waits for the server', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ delay_ms: 300 })
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    try {
      await client.dialTimeGroups.create(emu.userId, DOCUMENTED)
    } finally {
      clearInterval(timer)
    }
    // A call blocking the JavaScript thread would let no interval run until it returned.
    assert.ok(ticks >= 20, `only ${ticks} ticks`)
  })
})
