'use strict'
// Every error class, produced by the matching emulator behaviour.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const dialtime = require('..')
const { Client, Emulator } = dialtime
const { withEmulator, DOCUMENTED } = require('./helpers')

const SECRET = 'sk-live-0123456789abcdef'

function expectReject(promise, Class, check = () => {}) {
  return assert.rejects(promise, (e) => {
    assert.equal(e.constructor, Class, `${e.constructor.name}: ${e.message}`)
    assert.ok(e instanceof dialtime.DialtimeError && e instanceof Error)
    assert.equal(e.name, Class.name)
    assert.ok(typeof e.stack === 'string')
    check(e)
    return true
  })
}

test('a payload field given the token is not quoted back', async () => {
  // The payload is read before the call: its problems quoted the field, the token whole.
  const client = new Client({ token: SECRET, baseUrl: 'http://127.0.0.1:9' })
  const user = '3f2504e0-4f89-41d3-9a0c-0305e82c3301'
  const groups = client.dialTimeGroups
  const calls = [
    () => groups.create(user, { ...DOCUMENTED, sub_user_id: SECRET }),
    () => groups.create(user, { ...DOCUMENTED, content: [{ week: 1, times: [{ begin_time: SECRET, end_time: '18:00' }] }] }),
    () => groups.update(user, 1, { name: 'x', sub_user_id: SECRET }),
    () => groups.ensure(user, { ...DOCUMENTED, sub_user_id: SECRET }),
  ]
  for (const call of calls) {
    await expectReject(call(), dialtime.ValidationError, (e) => {
      for (const text of [e.message, e.stack, util.inspect(e), JSON.stringify(e.problems)]) {
        assert.ok(!text.includes(SECRET.slice(0, 16)), text)
      }
      assert.match(e.message, /\[redacted\]/)
    })
  }
})

test('the hierarchy and one kind per class', () => {
  for (const C of [dialtime.AuthenticationError, dialtime.NotFoundError, dialtime.RateLimitError, dialtime.ServerError]) {
    assert.ok(C.prototype instanceof dialtime.APIError)
  }
  assert.ok(dialtime.APITimeoutError.prototype instanceof dialtime.APIConnectionError)
  const codes = Object.values(dialtime)
    .filter((v) => typeof v === 'function' && v.prototype instanceof Error)
    .map((C) => C.kind)
  assert.equal(new Set(codes).size, codes.length)
})

test('401: AuthenticationError, without the token anywhere', async () => {
  await withEmulator(async (emu) => {
    const client = new Client({ token: SECRET, baseUrl: emu.baseUrl })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.AuthenticationError, (e) => {
      assert.equal(e.httpStatus, 401)
      assert.equal(e.envelopeCode, 401)
      for (const text of [e.message, e.stack, e.bodyExcerpt, util.inspect(e)]) assert.ok(!text.includes(SECRET))
    })
    assert.ok(!util.inspect(client, { showHidden: true, depth: 5 }).includes(SECRET))
  })
})

test('403 for another user: AuthenticationError', async () => {
  await withEmulator(async (_emu, client) => {
    await expectReject(client.dialTimeGroups.create('0c4c3a67-2d4f-4a0c-9b1e-6f1f1d2b9c11', DOCUMENTED), dialtime.AuthenticationError, (e) =>
      assert.equal(e.httpStatus, 403),
    )
  })
})

test('422: APIError with the field errors', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 422, body: '{"message":"The given data was invalid.","errors":{"name":["name 不能为空"]}}' })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.APIError, (e) => {
      assert.equal(e.httpStatus, 422)
      assert.deepEqual(e.problems, [{ path: 'name', message: 'name 不能为空' }])
    })
  })
})

test('an error envelope inside a 200', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 200, code: 404, message: '用户不存在' })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.NotFoundError, (e) => {
      assert.deepEqual([e.httpStatus, e.envelopeCode, e.apiMessage], [200, 404, '用户不存在'])
    })
  })
})

test('404 for an unknown route', async () => {
  await withEmulator(async (emu) => {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl + '/not-here' })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.NotFoundError, (e) => assert.equal(e.httpStatus, 404))
  })
})

test('429: RateLimitError with retryAfter in seconds', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 429, retry_after: '7' })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.RateLimitError, (e) => assert.equal(e.retryAfterMs, 7000))
  })
})

test('5xx: ServerError, and a create is not repeated', async () => {
  await withEmulator(
    async (emu, client) => {
      emu.pushFault({ status: 503 })
      await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.ServerError, (e) => assert.equal(e.httpStatus, 503))
      assert.equal(emu.requestCount, 1)
    },
    { maxRetries: 2 },
  )
})

test('a malformed body: DecodeError', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 200, body: '<html>gateway</html>' })
    await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.DecodeError, (e) => {
      assert.equal(e.httpStatus, 200)
      assert.equal(e.bodyExcerpt, '<html>gateway</html>')
    })
  })
})

test('a slow answer: APITimeoutError', async () => {
  await withEmulator(
    async (emu, client) => {
      emu.pushFault({ delay_ms: 3000 })
      await expectReject(client.dialTimeGroups.create(emu.userId, DOCUMENTED), dialtime.APITimeoutError, (e) => {
        assert.ok(e instanceof dialtime.APIConnectionError)
        assert.equal(e.kind, 'timeout')
      })
    },
    { timeoutMs: 200 },
  )
})

test('connection refused: APIConnectionError', async () => {
  const gone = await Emulator.start()
  const url = gone.baseUrl
  await gone.stop()
  const client = new Client({ token: 't', baseUrl: url, maxRetries: 0 })
  await expectReject(client.dialTimeGroups.create('5832d184-dd53-42a0-8ace-0bf8d660f4cc', DOCUMENTED), dialtime.APIConnectionError, (e) =>
    assert.equal(e.kind, 'connection'),
  )
})

test('bad configuration: ConfigError, thrown by the constructor', () => {
  const cases = [
    [{ token: SECRET, baseUrl: 'ftp://example.com' }, /http/],
    [{ token: SECRET, baseUrl: 'not a url' }, /URL/],
    [{ token: SECRET, timeoutMs: -1 }, /timeoutMs/],
    [{ token: SECRET, connectTimeoutMs: 0 }, /connectTimeoutMs/],
    [{ token: SECRET, timeoutMs: NaN }, /timeoutMs/],
    // Every option by its JavaScript name, the core's checks at build time too.
    [{ token: SECRET, userAgentSuffix: 'über' }, /userAgentSuffix must be printable ASCII/],
    [{ token: SECRET, trustOnlyRootCertificates: true }, /trustOnlyRootCertificates needs at least one root certificate/],
  ]
  for (const [options, words] of cases) {
    assert.throws(
      () => new Client(options),
      (e) => e instanceof dialtime.ConfigError && e.kind === 'config' && words.test(e.message) && !e.message.includes(SECRET),
    )
  }
})

test('no token anywhere: ConfigError naming DIALTIME_TOKEN', () => {
  const saved = process.env.DIALTIME_TOKEN
  delete process.env.DIALTIME_TOKEN
  try {
    assert.throws(() => new Client(), (e) => e instanceof dialtime.ConfigError && /DIALTIME_TOKEN/.test(e.message))
  } finally {
    if (saved !== undefined) process.env.DIALTIME_TOKEN = saved
  }
})

test('an error thrown at the call shows the caller, not the binding, first', () => {
  function constructingCaller() {
    return new Client({ token: 't', maxRetries: -1 })
  }
  assert.throws(constructingCaller, (e) => {
    assert.ok(e instanceof dialtime.ConfigError, String(e))
    assert.match(e.stack.split('\n')[1], /^ {4}at constructingCaller \(.*errors\.test\.js:\d+:\d+\)$/, e.stack)
    return true
  })
})

test("a rejection shows the caller's async frames; an argument error still throws at once from the caller", async () => {
  await withEmulator(async (emu, client) => {
    // The rejection was made on the JS thread under no frame: its stack was the message alone.
    async function awaitingCaller() {
      await client.dialTimeGroups.delete(emu.userId, 999)
    }
    await expectReject(awaitingCaller(), dialtime.NotFoundError, (e) => {
      assert.match(e.stack.split('\n')[1], /^ {4}at async awaitingCaller \(.*errors\.test\.js:\d+:\d+\)$/, e.stack)
      assert.ok(!e.stack.includes('index.js'), e.stack)
    })
    async function iteratingCaller() {
      for await (const group of client.dialTimeGroups.listAll(emu.userId)) assert.fail(String(group))
    }
    emu.pushFault({ status: 401 })
    await expectReject(iteratingCaller(), dialtime.AuthenticationError, (e) => {
      assert.match(e.stack, /\n {4}at async iteratingCaller \(.*errors\.test\.js:\d+:\d+\)/, e.stack)
    })
    // A rejection made at the call (an invalid payload) starts at the caller too, not in
    // index.js.
    async function validatingCaller() {
      await client.dialTimeGroups.create(emu.userId, { name: '' })
    }
    await expectReject(validatingCaller(), dialtime.ValidationError, (e) => {
      assert.match(e.stack.split('\n')[1], /^ {4}at (async )?validatingCaller \(.*errors\.test\.js:\d+:\d+\)$/, e.stack)
      assert.ok(!e.stack.includes('index.js'), e.stack)
    })
    // Emulator.start, a static method, too (a seed group breaking a rule).
    async function startingCaller() {
      await dialtime.Emulator.start({ groups: [{ name: '' }] })
    }
    await expectReject(startingCaller(), dialtime.ValidationError, (e) => {
      assert.match(e.stack.split('\n')[1], /^ {4}at async startingCaller \(.*errors\.test\.js:\d+:\d+\)$/, e.stack)
    })
    assert.equal(dialtime.Emulator.start.name, 'start')
    // A reason the caller made keeps its own stack.
    const reason = new Error('mine')
    const before = reason.stack
    await assert.rejects(client.dialTimeGroups.list(emu.userId, { signal: AbortSignal.abort(reason) }), (e) => e === reason)
    assert.equal(reason.stack, before)
    // Thrown at once, not a rejection, and from the caller.
    function syncCaller() {
      return client.dialTimeGroups.delete(1, 999)
    }
    assert.throws(syncCaller, (e) => {
      assert.ok(e instanceof TypeError, String(e))
      assert.match(e.stack.split('\n')[1], /^ {4}at syncCaller \(.*errors\.test\.js:\d+:\d+\)$/, e.stack)
      return true
    })
    // The methods keep their names.
    assert.equal(client.dialTimeGroups.create.name, 'create')
  })
})
