'use strict'
// Client options and per-call overrides, read back or shown by their effect: unknown keys,
// the deadline, per-call timeouts, Retry-After forms, call details on errors, default headers
// and the user agent suffix, an HTTPS emulator with its CA, and DIALTIME_LOG.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const dialtime = require('..')
const { Client, Emulator } = dialtime
const { withEmulator } = require('./helpers')

async function lastRequest(emu) {
  const res = await fetch(`${emu.baseUrl}/_emulator/last-request`)
  return res.json()
}

test('options are read back, and unset ones are the core defaults', async () => {
  await withEmulator(async (emu) => {
    const c = new Client({ token: emu.token, baseUrl: emu.baseUrl })
    assert.deepEqual([c.timeoutMs, c.connectTimeoutMs, c.deadlineMs, c.maxRetries], [30000, 10000, null, 2])
    const d = new Client({ token: emu.token, baseUrl: emu.baseUrl, timeoutMs: 5000, deadlineMs: 9000, maxRetries: 0 })
    assert.deepEqual([d.timeoutMs, d.deadlineMs, d.maxRetries], [5000, 9000, 0])
    // Without `new` (it ran with the global object as `this`), or on an object that cannot
    // hold the logger, a clear error.
    const logger = { debug () {}, info () {} }
    assert.throws(() => Client({ token: emu.token, baseUrl: emu.baseUrl, logger }), (e) => e instanceof TypeError && /without 'new'/.test(e.message))
    assert.throws(() => Reflect.apply(Client, Object.freeze({}), [{ token: emu.token, baseUrl: emu.baseUrl, logger }]), TypeError)
    // The native class itself, called on an object that cannot hold the logger.
    const native = require('../dialtime.node')
    assert.throws(() => Reflect.apply(native.Client, Object.freeze({}), [{ token: emu.token, baseUrl: emu.baseUrl, logger }]), /cannot keep the logger/)
    assert.equal(Object.getOwnPropertySymbols(globalThis).some((k) => k.description === 'dialtime.kept'), false)
    // Called on a client: napi-rs cannot wrap it twice, and dropped the new client without
    // finalizing it (its native memory stayed counted by V8 for good).
    const external = native.__externalMemoryForTests()
    assert.throws(() => Reflect.apply(Client, c, [{ token: emu.token, baseUrl: emu.baseUrl }]), (e) => e instanceof TypeError && /without 'new'/.test(e.message))
    assert.equal(native.__externalMemoryForTests(), external)
    // A deadline past what the clock holds is no deadline (every call was an internal error).
    const far = new Client({ token: emu.token, baseUrl: emu.baseUrl, timeoutMs: 1e22, deadlineMs: 1e22 })
    assert.ok(Array.isArray((await far.dialTimeGroups.list(emu.userId)).data))
    assert.ok(Array.isArray((await c.dialTimeGroups.list(emu.userId, { deadlineMs: 1e22 })).data))
  })
})

test('an unknown option key is a TypeError naming it', async () => {
  await withEmulator(async (emu, client) => {
    assert.throws(() => new Client({ token: emu.token, timeout: 5, base_url: emu.baseUrl }), (e) => {
      assert.ok(e instanceof TypeError)
      assert.match(e.message, /unknown option `(timeout|base_url)` in the Client options/)
      return true
    })
    assert.throws(() => new Client('token'), /must be an object/)
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { timeout: 5 }), /unknown option `timeout`/)
    assert.throws(() => client.dialTimeGroups.delete(emu.userId, 1, { sub_user_id: 'x' }), /unknown option `sub_user_id`/)
    assert.throws(() => client.dialTimeGroups.create(emu.userId, {}, { deadline: 5 }), /unknown option `deadline`/)
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { timeout: 5 }), TypeError)
    await assert.rejects(client.dialTimeGroups.list(emu.userId, { maxRetries: 1.5 }), /maxRetries/)
    await assert.rejects(client.dialTimeGroups.list(emu.userId, { timeoutMs: 0 }), /timeoutMs/)
  })
})

test('a per-call timeout applies to that call only', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ delay_ms: 800 })
    const started = Date.now()
    await assert.rejects(client.dialTimeGroups.list(emu.userId, { timeoutMs: 150 }), { name: 'APITimeoutError' })
    assert.ok(Date.now() - started < 700)
    emu.pushFault({ delay_ms: 300 })
    await client.dialTimeGroups.list(emu.userId)
  }, { timeoutMs: 10000 })
})

test('a deadline shorter than the backoff ends the call with the attempts counted', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 503, times: 10 })
    const started = Date.now()
    const err = await client.dialTimeGroups.list(emu.userId, { deadlineMs: 300 }).catch((e) => e)
    assert.ok(Date.now() - started < 300)
    assert.equal(err.name, 'ServerError')
    assert.equal(err.attempts, 1)
    assert.equal(err.deadlinePassed, true)
    assert.equal(err.method, 'GET')
    assert.equal(err.path, `/agent-api/user/${emu.userId}/dial-time-group`)
    assert.match(err.message, /the deadline of 300 ms left no time to wait for another attempt/)
  }, { maxRetries: 5 })
})

test('Retry-After forms: seconds and retry-after-ms waited, beyond a minute not', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 429, retry_after: '1' })
    let started = Date.now()
    await client.dialTimeGroups.list(emu.userId)
    assert.ok(Date.now() - started >= 990)
    emu.pushFault({ status: 429, headers: { 'retry-after-ms': '300' } })
    started = Date.now()
    await client.dialTimeGroups.list(emu.userId)
    assert.ok(Date.now() - started >= 295)
    emu.pushFault({ status: 429, retry_after: '120' })
    started = Date.now()
    const err = await client.dialTimeGroups.list(emu.userId).catch((e) => e)
    assert.equal(err.name, 'RateLimitError')
    assert.equal(err.retryAfterMs, 120000)
    assert.ok(Date.now() - started < 5000)
  }, { maxRetries: 1 })
})

test('errors carry the request id, headers and the call', async () => {
  await withEmulator(async (emu, client) => {
    const err = await client.dialTimeGroups.delete(emu.userId, 31337).catch((e) => e)
    assert.equal(err.name, 'NotFoundError')
    assert.equal(err.method, 'DELETE')
    assert.equal(err.path, `/agent-api/user/${emu.userId}/dial-time-group/31337`)
    assert.equal(err.requestId, 'emu-1')
    assert.equal(err.headers['x-request-id'], 'emu-1')
    assert.equal(err.attempts, 1)
    assert.ok(err.elapsedMs >= 0)
  })
})

test('default headers and the user agent suffix are sent', async () => {
  await withEmulator(async (emu, client) => {
    await client.dialTimeGroups.list(emu.userId)
    const seen = (await lastRequest(emu)).headers
    assert.equal(seen['x-tenant'], 'acme-7')
    assert.equal(seen['user-agent'], `dialtime/${dialtime.VERSION} (node) etl/1.0`)
  }, { defaultHeaders: { 'X-Tenant': 'acme-7' }, userAgentSuffix: 'etl/1.0' })
})

test('of default headers differing in case the last given is sent, as the core keeps it', async () => {
  for (const [headers, sent] of [
    [{ 'x-tenant': 'first', 'X-Tenant': 'last' }, 'last'],
    [{ 'X-Tenant': 'first', 'x-tenant': 'last' }, 'last'],
    [new Map([['x-tenant', 'first'], ['X-Tenant', 'last']]), 'last'],
    [[['X-TENANT', 'first'], ['x-tenant', 'last']], 'last'],
  ]) {
    await withEmulator(async (emu, client) => {
      await client.dialTimeGroups.list(emu.userId)
      assert.equal((await lastRequest(emu)).headers['x-tenant'], sent, JSON.stringify([...Object.entries(headers)]))
    }, { defaultHeaders: headers })
  }
  // A value of the wrong type is named with its header.
  assert.throws(() => new Client({ token: 't', defaultHeaders: { 'x-a': 'b', 'x-n': 5 } }), {
    name: 'TypeError',
    message: '`defaultHeaders` in the Client options holds a value of the wrong type: `x-n` is a number, each must be a string',
  })
})

test('an HTTPS emulator is reached with its CA and refused without', async () => {
  const emu = await Emulator.start({ tls: true })
  try {
    assert.match(emu.baseUrl, /^https:\/\//)
    const base = { token: emu.token, baseUrl: emu.baseUrl, maxRetries: 0 }
    await assert.rejects(new Client(base).dialTimeGroups.list(emu.userId), (e) => {
      assert.equal(e.name, 'APIConnectionError')
      assert.match(e.message, /certificate/i)
      return true
    })
    await new Client({ ...base, rootCertificatesPem: emu.caPem }).dialTimeGroups.list(emu.userId)
    await new Client({ ...base, rootCertificatesPem: [emu.caPem], trustOnlyRootCertificates: true })
      .dialTimeGroups.list(emu.userId)
  } finally {
    await emu.stop()
  }
})

test('DIALTIME_LOG=debug writes one line per attempt to stderr, never the token', async () => {
  await withEmulator(async (emu) => {
    const script = `
      const { Client } = require(${JSON.stringify(path.join(__dirname, '..'))})
      const [token, baseUrl, userId] = process.argv.slice(1)
      new Client({ token, baseUrl }).dialTimeGroups.list(userId).then(() => {}, (e) => { console.log(e); process.exit(1) })
    `
    const done = spawnSync(process.execPath, ['-e', script, emu.token, emu.baseUrl, emu.userId], {
      env: { ...process.env, DIALTIME_LOG: 'debug' },
      encoding: 'utf8',
      timeout: 60000,
    })
    assert.equal(done.status, 0, done.stdout + done.stderr)
    const path_ = `/agent-api/user/${emu.userId}/dial-time-group`
    assert.match(done.stderr, new RegExp(`dialtime debug: GET ${path_} -> 200 \\(attempt 1, `))
    assert.ok(!done.stderr.includes(emu.token))
  })
})

test('an AbortSignal cancels the call and rejects with its reason', async () => {
  const { DOCUMENTED } = require('./helpers')
  await withEmulator(async (emu, client) => {
    emu.pushFault({ delay_ms: 2000 })
    const started = Date.now()
    const err = await client.dialTimeGroups.list(emu.userId, { signal: AbortSignal.timeout(100) }).catch((e) => e)
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`)
    assert.equal(err.name, 'TimeoutError') // AbortSignal.timeout's reason, as fetch rejects
    emu.clearFaults()

    // Already aborted: rejected at once, nothing sent.
    const ac = new AbortController()
    ac.abort()
    const before = emu.requestCount
    await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED, { signal: ac.signal }), { name: 'AbortError' })
    assert.equal(emu.requestCount, before)

    // A live signal that is never aborted changes nothing; aborting after the call settled
    // does nothing either.
    const live = new AbortController()
    const saved = await client.dialTimeGroups.create(emu.userId, DOCUMENTED, { signal: live.signal })
    await client.dialTimeGroups.update(emu.userId, saved.id, { name: 'x' }, { signal: live.signal })
    await client.dialTimeGroups.delete(emu.userId, saved.id, { signal: live.signal })
    live.abort()
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { signal: 'stop' }), TypeError)
    // A signal whose removeEventListener throws: the call's own answer still wins (it was
    // rejected with the listener's exception).
    const fussy = { aborted: false, addEventListener() {}, removeEventListener() { throw new Error('boom') } }
    const page = await client.dialTimeGroups.list(emu.userId, { signal: fussy })
    assert.ok(Array.isArray(page.data))
    // Signals that cannot be read or listened to throw at once; an aborted one whose reason
    // cannot be read rejects with an abort error (no promise is left unsettled).
    const list = (signal) => client.dialTimeGroups.list(emu.userId, { signal })
    const noop = () => {}
    // What was thrown is the TypeError's cause (at the JS stack limit, the RangeError).
    assert.throws(() => list({ get aborted () { throw new Error('getter') }, addEventListener: noop, removeEventListener: noop }),
      (e) => e instanceof TypeError && /aborted property threw/.test(e.message) && e.cause?.message === 'getter')
    assert.throws(() => list({ aborted: false, addEventListener () { throw new Error('no') }, removeEventListener: noop }),
      (e) => e instanceof TypeError && /addEventListener is missing or threw/.test(e.message) && e.cause?.message === 'no')
    assert.throws(() => list({ aborted: false, removeEventListener: noop }),
      (e) => e instanceof TypeError && /addEventListener is missing or threw/.test(e.message) &&
        e.cause instanceof TypeError && /addEventListener/.test(e.cause.message))
    // The cause is not enumerable, as the cause of `new TypeError(m, { cause })`.
    assert.throws(() => list({ get aborted () { throw new Error('getter') }, addEventListener: noop, removeEventListener: noop }),
      (e) => e.cause?.message === 'getter' && !Object.keys(e).includes('cause'))
    await assert.rejects(list({ aborted: true, get reason () { throw new Error('reason') } }),
      (e) => e instanceof Error && /This operation was aborted/.test(e.message))
    // listAll: the signal cancels the walk's page fetches.
    const walk = new AbortController()
    emu.pushFault({ delay_ms: 2000 })
    const cursor = client.dialTimeGroups.listAll(emu.userId, { signal: walk.signal })
    setTimeout(() => walk.abort(), 50)
    const t0 = Date.now()
    await assert.rejects(cursor.nextGroup(), { name: 'AbortError' })
    assert.ok(Date.now() - t0 < 1500)
  })
})

test('a logger option receives one line per attempt, never the token', async () => {
  const lines = []
  const logger = { debug: (m) => lines.push(['debug', m]), info: (m) => lines.push(['info', m]) }
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 503, headers: { 'retry-after-ms': '1' } })
    await client.dialTimeGroups.list(emu.userId)
    const path = `/agent-api/user/${emu.userId}/dial-time-group`
    assert.deepEqual(lines.map((l) => l[0]), ['info', 'debug'])
    assert.ok(lines[0][1].startsWith(`GET ${path} -> 503 server (attempt 1, `), lines[0][1])
    assert.ok(lines[1][1].startsWith(`GET ${path} -> 200 (attempt 2, `), lines[1][1])
    assert.ok(lines.every((l) => !l[1].includes(emu.token)))
    // A logger that throws is ignored; the call still succeeds.
    const angry = new Client({ token: emu.token, baseUrl: emu.baseUrl, logger: { debug() { throw new Error('no') }, info() {} } })
    await angry.dialTimeGroups.list(emu.userId)
    assert.throws(() => new Client({ token: emu.token, logger: 'console' }), /logger must be an object/)
  }, { logger, maxRetries: 1 })
})

/** A small forward proxy for plain HTTP: notes each connection's first request line, then
 * pipes to the absolute URI's host. */
function startProxy() {
  const net = require('node:net')
  const seen = []
  const server = net.createServer((conn) => {
    let head = Buffer.alloc(0)
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      conn.off('data', onData)
      const line = head.subarray(0, head.indexOf('\r\n')).toString()
      seen.push(line)
      const [host, port] = line.split(' ')[1].split('//')[1].split('/')[0].split(':')
      const upstream = net.connect(Number(port), host, () => {
        upstream.write(head)
        conn.pipe(upstream)
        upstream.pipe(conn)
      })
      upstream.on('error', () => conn.destroy())
      conn.on('error', () => upstream.destroy())
    }
    conn.on('data', onData)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, seen, server }))
  })
}

test('an explicit proxy carries the calls; an environment proxy skips loopback', async () => {
  const proxy = await startProxy()
  try {
    await withEmulator(async (emu) => {
      const base = { token: emu.token, baseUrl: emu.baseUrl }
      await new Client({ ...base, proxy: proxy.url }).dialTimeGroups.list(emu.userId)
      assert.equal(proxy.seen.length, 1)
      assert.ok(proxy.seen[0].startsWith(`GET ${emu.baseUrl}/agent-api/user/${emu.userId}/dial-time-group`), proxy.seen[0])
      process.env.HTTP_PROXY = proxy.url
      try {
        await new Client(base).dialTimeGroups.list(emu.userId)
        await new Client({ ...base, ignoreEnvProxy: true }).dialTimeGroups.list(emu.userId)
      } finally {
        delete process.env.HTTP_PROXY
      }
      assert.equal(proxy.seen.length, 1)
    })
  } finally {
    proxy.server.close()
  }
})

test('a recorder keeps a successful call’s status, request id, headers and attempts', async () => {
  const { DOCUMENTED } = require('./helpers')
  const { ResponseRecorder } = require('..')
  const emu = await Emulator.start()
  try {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 2 })
    const recorder = new ResponseRecorder()
    assert.equal(recorder.last, null)
    emu.pushFault({ status: 503 })
    await client.dialTimeGroups.list(emu.userId, { recorder }) // a GET: retried once
    const answer = recorder.last
    assert.equal(answer.httpStatus, 200)
    assert.equal(answer.method, 'GET')
    assert.equal(answer.attempts, 2)
    assert.equal(answer.requestId, emu.lastRequest.requestId)
    assert.equal(answer.headers['x-request-id'], 'emu-2')
    assert.equal(answer.path, `/agent-api/user/${emu.userId}/dial-time-group`)
    assert.ok(answer.elapsedMs > 0)
    assert.ok(!JSON.stringify(answer).includes(emu.token))
    const saved = await client.dialTimeGroups.create(emu.userId, DOCUMENTED, { recorder })
    assert.equal(saved.id, 1)
    await client.dialTimeGroups.list(emu.userId) // without the recorder: not recorded
    assert.equal(recorder.take().method, 'POST')
    assert.equal(recorder.last, null)
    await client.dialTimeGroups.delete(emu.userId, 1, { recorder })
    assert.equal(recorder.last.method, 'DELETE')
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { recorder: {} }), TypeError)
    // A Proxy of one passes `instanceof` and does not unwrap: the same TypeError (it was a
    // plain Error naming napi-rs's Rust type).
    const wrongRecorder = (e) => e instanceof TypeError && e.message === 'the `recorder` in the list options must be a ResponseRecorder'
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { recorder: {} }), wrongRecorder)
    assert.throws(() => client.dialTimeGroups.list(emu.userId, { recorder: new Proxy(new ResponseRecorder(), {}) }), wrongRecorder)
  } finally {
    await emu.stop()
  }
})

test('defaultHeaders as pairs (a Map, a Headers, an array of pairs) are sent; a Date, a Set or a WeakMap are a TypeError', async () => {
  // napi-rs read any object as its own properties: a Map of headers sent none, an array sent a
  // header named `0`, a Headers or a Map of another realm (Jest's, vm's) none.
  const base = { token: 't', baseUrl: 'http://127.0.0.1:9' }
  const OtherMap = require('node:vm').runInNewContext('Map')
  for (const headers of [
    new Map([['x-tenant', 'acme-7']]),
    new OtherMap([['x-tenant', 'acme-7']]),
    new Headers({ 'X-Tenant': 'acme-7' }),
    [['x-tenant', 'acme-7']],
  ]) {
    await withEmulator(async (emu, client) => {
      await client.dialTimeGroups.list(emu.userId)
      assert.equal((await lastRequest(emu)).headers['x-tenant'], 'acme-7', String(headers.constructor.name))
    }, { defaultHeaders: headers })
  }
  // Each item must be a pair; a value of the wrong type is named as for an object.
  for (const [headers, got] of [
    [['a'], 'got an item that is a string'],
    [new Set(['x-tenant']), 'got an item that is a string'],
    [[null], 'got an item that is null'],
    [[{}], 'got an item that is not a pair'],
    [[['x-tenant']], 'got an item that is not a pair'],
    [[[1, 'a']], 'got an item that is not a pair'],
  ]) {
    assert.throws(() => new Client({ ...base, defaultHeaders: headers }), (e) => {
      assert.ok(e instanceof TypeError, String(e))
      assert.match(e.message, /^defaultHeaders must be an object of header names to values, or hold \[name, value\] pairs/)
      assert.ok(e.message.endsWith(got), e.message)
      return true
    })
  }
  assert.throws(() => new Client({ ...base, defaultHeaders: new Map([['x-t', 5]]) }), /`defaultHeaders` in the Client options holds a value of the wrong type/)
  const endless = { *[Symbol.iterator]() { for (;;) yield ['x-a', 'b'] } }
  assert.throws(() => new Client({ ...base, defaultHeaders: endless }), /defaultHeaders holds more than 10000 headers/)
  for (const [headers, kind] of [
    [new Date(0), 'a Date'],
    [new WeakMap(), 'a WeakMap'],
  ]) {
    assert.throws(() => new Client({ ...base, defaultHeaders: headers }), (e) => {
      assert.ok(e instanceof TypeError, String(e))
      assert.equal(e.message, `defaultHeaders must be an object of header names to values, got ${kind}`)
      return true
    })
  }
  assert.throws(() => new Client(new Map(Object.entries(base))), /the Client options must be a plain object, got a Map/)
  assert.throws(() => new Client([base]), /the Client options must be a plain object, got an array/)
  // A plain object, one without a prototype and a class instance are read as they are (its
  // getters too, when its headers are pairs).
  const bare = Object.assign(Object.create(null), { 'x-tenant': 'a' })
  class Options {
    constructor (headers) { Object.assign(this, { token: 't' }); this.defaultHeaders = headers }
    get baseUrl () { return base.baseUrl }
  }
  assert.equal(new Client({ ...base, defaultHeaders: bare }).baseUrl, base.baseUrl)
  assert.equal(new Client(new Options(bare)).baseUrl, base.baseUrl)
  assert.equal(new Client(new Options(new Map([['x-a', 'b']]))).baseUrl, base.baseUrl)
  // Its errors start their stack at the caller, as the addon's own do.
  function caller () { return new Client({ ...base, defaultHeaders: [null] }) }
  assert.throws(caller, (e) => /^ {4}at caller \(/.test(e.stack.split('\n')[1]) || assert.fail(e.stack))
  // A subclass is still constructed as itself.
  class Mine extends Client {}
  assert.ok(new Mine({ ...base, defaultHeaders: new Map() }) instanceof Mine)
})
