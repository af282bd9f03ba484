'use strict'
// No input, server answer or misuse may crash, hang or leak: every reproduction of the
// hardening issue, as a test that failed before its fix.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const dialtime = require('..')
const native = require('../dialtime.node')
const { Client } = dialtime
const { withEmulator, DOCUMENTED } = require('./helpers')

function isValidation(path) {
  return (e) => {
    assert.ok(e instanceof dialtime.ValidationError, `${e.constructor.name}: ${e.message}`)
    if (path) assert.ok(e.problems.some((p) => p.path === path), JSON.stringify(e.problems))
    return true
  }
}

test('an absurd Retry-After is a RateLimitError, not a panic', async () => {
  await withEmulator(async (emu) => {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 1 })
    for (const value of ['1e20', '1e400', '-1', 'NaN', '18446744073709551616']) {
      emu.pushFault({ status: 429, retry_after: value, times: 5 })
      await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), (e) => {
        assert.ok(e instanceof dialtime.RateLimitError, `${value}: ${e.constructor.name} ${e.message}`)
        return true
      })
      emu.clearFaults()
    }
  })
})

test('cyclic and deep structures are ValidationErrors, never a crash', async () => {
  const cyclic = []
  cyclic.push(cyclic)
  let deep = []
  for (let i = 0; i < 100_000; i++) deep = [deep]
  const self = {}
  self.x = self
  for (const content of [cyclic, deep, [self]]) {
    const payload = { ...DOCUMENTED, content }
    assert.throws(() => dialtime.validate(payload), (e) => isValidation()(e) && /deeper than/.test(e.message))
  }
  await withEmulator(async (emu, client) => {
    await assert.rejects(client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, content: deep }), isValidation())
    await assert.rejects(client.dialTimeGroups.ensure(emu.userId, { ...DOCUMENTED, content: cyclic }), isValidation())
    assert.equal(emu.requestCount, 0)
  })
})

test('numbers are safe integers in range, never truncated or wrapped', async () => {
  await withEmulator(async (emu, client) => {
    const saved = await client.dialTimeGroups.create(emu.userId, DOCUMENTED)
    const before = emu.requestCount
    for (const id of [saved.id + 0.5, -1, NaN, Infinity, 2 ** 53, 0]) {
      await assert.rejects(client.dialTimeGroups.delete(emu.userId, id), isValidation('group_id'))
      await assert.rejects(client.dialTimeGroups.update(emu.userId, id, { name: 'x' }), isValidation('group_id'))
    }
    for (const page of [0, -1, 0.5, 2 ** 32, NaN]) {
      await assert.rejects(client.dialTimeGroups.list(emu.userId, { page }), isValidation('page'))
    }
    assert.equal(emu.requestCount, before, 'nothing was sent')
    await client.dialTimeGroups.delete(emu.userId, saved.id)
    for (const maxRetries of [-1, 0.5, 2 ** 32, NaN]) {
      assert.throws(() => new Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries }), (e) => {
        // One class for one option, whatever is wrong with it (0.5 was a ValidationError).
        assert.ok(e instanceof dialtime.ConfigError, `${e.constructor.name}: ${e.message}`)
        assert.match(e.message, /maxRetries/)
        return true
      })
    }
  })
})

test('values that are not JSON get a clear error at their path', async () => {
  const bad = [
    [{ name: 1n }, 'name'],
    [{ name: () => 'x' }, 'name'],
    [{ name: Symbol('x') }, 'name'],
    [{ content: [{ week: new Date(), times: [] }] }, 'content[0].week'],
    [{ content: [{ week: NaN, times: [] }] }, 'content[0].week'],
    [{ content: [{ week: Infinity, times: [] }] }, 'content[0].week'],
    [{ content: [{ week: 1e20, times: [{ begin_time: '08:00', end_time: '09:00' }] }] }, 'content[0].week'],
    [{ content: [{ week: -0, times: [{ begin_time: -0, end_time: 2 ** 63 }] }] }, 'content[0].times[0].begin_time'],
    [{ is_default: 'yes' }, 'is_default'],
  ]
  for (const [change, path] of bad) {
    assert.throws(() => dialtime.validate({ ...DOCUMENTED, ...change }), isValidation(path), path)
  }
  // NaN and ±Infinity are named as what they are (stringify's null read "is required"),
  // every one, at the path stringify met it (a toJSON's result too).
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, name: { toJSON: () => NaN }, is_default: -Infinity }),
    (e) => {
      assert.deepEqual(e.problems.map((p) => [p.path, p.message]), [
        ['name', 'must be a finite number, got NaN'],
        ['is_default', 'must be a finite number, got -inf'],
      ])
      return true
    },
  )
  for (const [change, path] of [
    [{ is_default: NaN }, 'is_default'],
    [{ content: [{ week: Infinity, times: [] }] }, 'content[0].week'],
    [{ content: [{ week: 1, times: [{ begin_time: -Infinity, end_time: '09:00' }] }] }, 'content[0].times[0].begin_time'],
  ]) {
    assert.throws(() => dialtime.validate({ ...DOCUMENTED, ...change }), (e) => {
      isValidation(path)(e)
      const problem = e.problems.find((p) => p.path === path)
      assert.doesNotMatch(problem.message, /is required/)
      assert.match(problem.message, /NaN|inf/i)
      return true
    }, path)
  }
  // The payload is what JSON.stringify makes of it, as with fetch or axios: toJSON is honoured.
  assert.doesNotThrow(() => dialtime.validate({ ...DOCUMENTED, name: { toJSON: () => 'from toJSON' } }))
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: { toJSON: () => 7 } }), isValidation('name'))
  // A toJSON that throws is named with what it threw (it was "name.toJSON: a function").
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, name: { toJSON() { throw new Error('boom') } } }),
    (e) => {
      assert.deepEqual(e.problems, [{ path: 'name', message: 'could not be read: reading it threw "boom"' }])
      return true
    },
  )
  // What a toJSON returns is read as stringify reads it where the payload is walked (a
  // BigInt elsewhere makes stringify refuse it): its own problems at their paths.
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, name: { toJSON: () => ({ deep: 1n }) } }),
    (e) => {
      assert.deepEqual(e.problems.map((p) => p.path), ['name.deep'])
      return true
    },
  )
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: { toJSON() { return this } } }), isValidation('name'))
  // Where stringify refuses the payload (a BigInt after the field), the addon's walk calls
  // each toJSON as stringify does: once, with its key, an array's own too, never on what a
  // toJSON returned (it was called 33 times, with '', until the nesting limit).
  const keys = []
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, name: { toJSON(key) { keys.push(key); return this } }, z: 1n }),
    (e) => e.problems.every((p) => p.path.startsWith('name')),
  )
  assert.deepEqual(keys, ['name', 'name']) // stringify's call, then the walk's
  let arrayCalls = 0
  const content = Object.assign([], { toJSON() { arrayCalls += 1; return [] } })
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, content, z: 1n }), isValidation('z'))
  assert.equal(arrayCalls, 2)
  // Large and odd inputs: a clear, capped answer.
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: 'x'.repeat(10 << 20) }), isValidation('name'))
  // A lone surrogate is the name's problem now (it was sent as U+FFFD, and only `content` was).
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: 'a\u0000b\ud800', content: [] }), isValidation('name'))
  const thousands = Array.from({ length: 9_000 }, () => ({ begin_time: '10:00', end_time: '09:00' }))
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, content: [{ week: 1, times: thousands }] }),
    (e) => {
      assert.equal(e.problems.length, 101)
      assert.equal(e.problems[100].path, '$')
      assert.match(e.problems[100].message, /8900 more/)
      assert.ok(e.message.length < 40_000)
      return true
    },
  )
  // A valid payload has at most 7 days: a million took 14 s to convert and check.
  const days = Array.from({ length: 1_000_000 }, () => ({ week: 1, times: [] }))
  assert.throws(
    () => dialtime.validate({ ...DOCUMENTED, content: days }),
    (e) => {
      assert.deepEqual(e.problems.map((p) => [p.path, p.message]), [['content', 'has more than 10000 items']])
      return true
    },
  )
})

test('an array claiming more items than it holds is refused, not visited hole by hole', () => {
  // `length = 2 ** 32 - 1` costs JavaScript nothing; the conversion visited every hole and
  // took all the memory (4.6 GB in 18 s) with the JS thread blocked.
  const content = []
  content.length = 2 ** 32 - 1
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, content }), (e) => {
    isValidation('content')(e)
    assert.match(e.problems.find((p) => p.path === 'content').message, /more than 10000 items/)
    return true
  })
  const times = []
  times.length = 1 << 24
  assert.throws(() => new dialtime.Schedule({ ...DOCUMENTED, content: [{ week: 1, times }] }), isValidation('content[0].times'))
})

/** A payload whose `content` has a toJSON throwing at its first call only (stringify refuses
 * it, the addon's walk calls it again), then returning `content`. */
function refusedOnce(content) {
  let calls = 0
  const payload = {
    ...DOCUMENTED,
    content: {
      toJSON() {
        calls += 1
        if (calls === 1) throw new Error('not yet')
        return content
      },
    },
  }
  return { payload, calls: () => calls }
}

test('one object repeated through a payload stops the conversion at 100,000 values, naming where', async () => {
  // `Array(200).fill(day)` of a day of 10,000 windows costs JavaScript a few KB and was two
  // million values to stringify and walk (10 s with this thread blocked, 1.2 GB); `{a: x, b: x}`
  // nested 23 times eight million (68 s, 2 GB). Every array is within 10,000 items.
  const window = { begin_time: '08:00', end_time: '09:00' }
  const day = { week: 1, times: new Array(10_000).fill(window) }
  let chain = window
  for (let i = 0; i < 23; i++) chain = { a: chain, b: chain }
  const wide = { ...DOCUMENTED, content: new Array(200).fill(day) }
  const past = (prefix) => (e) => {
    assert.ok(e instanceof dialtime.ValidationError, String(e))
    assert.equal(e.problems.length, 1, JSON.stringify(e.problems))
    assert.equal(e.problems[0].message, 'takes the payload past 100000 values (is one object repeated in it?)')
    assert.ok(e.problems[0].path.startsWith(prefix), e.problems[0].path)
    return true
  }
  assert.throws(() => dialtime.validate(wide), past('content[3].times['))
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, content: [chain] }), past('content[0].a.'))
  // Numbers and strings count too: arrays of them repeated (the scan counted only objects and
  // arrays, and stringify expanded 10 million values).
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, content: new Array(1000).fill(new Array(10_000).fill(1)) }), past('content['))
  // Where stringify refuses the payload (here a toJSON throwing at its first call only), the
  // addon's own walk of it stops at the same count.
  const refused = refusedOnce(wide.content)
  assert.throws(() => dialtime.validate(refused.payload), past('content[3].times['))
  assert.equal(refused.calls(), 2)
  assert.throws(() => new dialtime.Schedule(wide), past('content[3].times['))
  const client = new dialtime.Client({ token: 't', baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(client.dialTimeGroups.create('4d99d91c-f5d9-49da-88da-758977cc58a9', wide), past('content[3].times['))
  // A payload of a real size (seven days of 1,440 one-minute windows, ~30,000 values) is
  // converted whole and judged by the core's rules.
  const minutes = Array.from({ length: 1440 }, (_, m) => {
    const at = (n) => `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`
    return { begin_time: at(m), end_time: m === 1439 ? '24:00' : at(m + 1) }
  })
  const week = Array.from({ length: 7 }, (_, w) => ({ week: w, times: minutes }))
  try {
    dialtime.validate({ ...DOCUMENTED, content: week })
  } catch (e) {
    assert.ok(!e.problems.some((p) => /past 100000 values/.test(p.message)), JSON.stringify(e.problems.slice(0, 3)))
  }
})

test('one string repeated through a payload stops the conversion at 4 MiB of text, naming where', async () => {
  // `Array(9000).fill(text)` of a 50 KB string costs JavaScript 50 KB and was 450 MB to
  // stringify and parse (3.3 s with this thread blocked, 1 GB): within 100,000 values.
  const text = 'x'.repeat(50_000)
  const past = (prefix) => (e) => {
    assert.ok(e instanceof dialtime.ValidationError, String(e))
    assert.equal(e.problems.length, 1, JSON.stringify(e.problems).slice(0, 300))
    assert.equal(e.problems[0].message, 'takes the payload past 4 MiB of text')
    assert.ok(e.problems[0].path.startsWith(prefix) && e.problems[0].path.length < 20, e.problems[0].path.slice(0, 50))
    return true
  }
  const strings = { ...DOCUMENTED, remark: new Array(9000).fill(text) }
  // Keys count too (a key is named by its object's path).
  const keys = { ...DOCUMENTED, content: new Array(9000).fill({ [text]: 1 }) }
  assert.throws(() => dialtime.validate(strings), past('remark[83]'))
  assert.throws(() => dialtime.validate(keys), past('content[83]'))
  // The scan lets a payload within the limits stringify as it is; one a toJSON makes goes
  // through the replacer, and one stringify refuses through the addon's walk: all stop alike.
  const made = { ...DOCUMENTED, remark: { toJSON: () => strings.remark } }
  assert.throws(() => dialtime.validate(made), past('remark[83]'))
  const refused = refusedOnce(keys.content)
  assert.throws(() => dialtime.validate(refused.payload), past('content[83]'))
  assert.equal(refused.calls(), 2)
  assert.throws(() => new dialtime.Schedule(keys), past('content[83]'))
  const client = new dialtime.Client({ token: 't', baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(client.dialTimeGroups.create('4d99d91c-f5d9-49da-88da-758977cc58a9', strings), past('remark[83]'))
  // One long string is judged by the rules: a 1 MB name is too long, not too much text.
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: 'n'.repeat(1 << 20) }), (e) => {
    assert.deepEqual(e.problems.map((p) => p.path), ['name'])
    assert.doesNotMatch(e.problems[0].message, /MiB of text/)
    return true
  })
})

test('a getter or Proxy is read once: what the scan saw is what is stringified', () => {
  // The scan read a getter and stringify read it again: a small array to the scan, a sparse
  // one of 2e7 to stringify blocked this thread 4 s (1e8: a minute), past both limits.
  const huge = []
  huge[2e7] = 1
  let reads = 0
  const payload = { ...DOCUMENTED, get content() { return ++reads === 1 ? DOCUMENTED.content : huge } }
  assert.doesNotThrow(() => dialtime.validate(payload))
  assert.equal(reads, 1)
  let gets = 0
  const proxy = new Proxy({ ...DOCUMENTED }, {
    get(target, key) { return key === 'content' && ++gets > 1 ? huge : target[key] },
  })
  assert.doesNotThrow(() => dialtime.validate(proxy))
  assert.equal(gets, 1)
  // A Proxy array's length is whatever its trap answers: a string made the scan's count a
  // string (every limit false: 32 s for 50 days of 2,000 ranges), a fraction copied one item
  // stringify does not write. The replacer reads such a payload as stringify does.
  const day = { week: 1, times: Array(2000).fill({ begin_time: '09:00', end_time: '10:00' }) }
  for (const length of ['x', -1e12, 2.5]) {
    const odd = new Proxy(['a', 'b', 'c'], { get: (t, k) => (k === 'length' ? length : t[k]) })
    const started = Date.now()
    assert.throws(() => dialtime.validate({ ...DOCUMENTED, remark: odd, content: Array(50).fill(day) }),
      (e) => e instanceof dialtime.ValidationError && /values/.test(e.message), String(length))
    assert.ok(Date.now() - started < 2000, `${length}: ${Date.now() - started} ms`)
  }
  // An own toJSON getter answering undefined to the check and a function to the copy; a
  // function or a BigInt with a toJSON (stringify calls it): each went to stringify unbounded.
  let asked = 0
  const sneaky = { ...DOCUMENTED, get toJSON() { return ++asked === 1 ? undefined : () => ({ ...DOCUMENTED, content: huge }) } }
  const withFunction = { ...DOCUMENTED, remark: Object.assign(() => {}, { toJSON: () => huge }) }
  BigInt.prototype.toJSON = function () { return huge }
  try {
    for (const p of [sneaky, withFunction, { ...DOCUMENTED, remark: 1n }]) {
      const started = Date.now()
      assert.throws(() => dialtime.validate(p), isValidation())
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`)
    }
  } finally {
    delete BigInt.prototype.toJSON
  }
  // A setter an application put on Object.prototype does not run for the copy: the field is
  // kept, as stringify keeps it.
  Object.defineProperty(Object.prototype, 'name', { set(v) { this._n = v }, get() { return this._n }, configurable: true })
  try {
    assert.doesNotThrow(() => dialtime.validate({ ...DOCUMENTED }))
  } finally {
    delete Object.prototype.name
  }
  // Own names only, as stringify reads them: one an application put on Object.prototype is
  // not part of the payload (an unknown field would be refused).
  Object.prototype.extra = 1
  try {
    assert.doesNotThrow(() => dialtime.validate({ ...DOCUMENTED }))
  } finally {
    delete Object.prototype.extra
  }
  // `__proto__` as an own name is a field like any other (here unknown, so refused).
  assert.throws(() => dialtime.validate(JSON.parse(JSON.stringify(DOCUMENTED).replace('{', '{"__proto__":1,'))), isValidation('__proto__'))
  // JSON.stringify replaced after load is not what reads the payload.
  const stringify = JSON.stringify
  JSON.stringify = () => '{"replaced":true}'
  try {
    assert.doesNotThrow(() => dialtime.validate({ ...DOCUMENTED }))
  } finally {
    JSON.stringify = stringify
  }
})

test('an array far longer than its items is refused before JSON.stringify expands it', () => {
  // Under 2 ** 32 the length is stringify's to expand: `a[1e8 - 1] = x` made "null,null,…",
  // 2.2 GB and 24 s with the JS thread blocked, before the length was checked. Anywhere in the
  // payload (an unknown key, a class instance, what a toJSON returns), and in the memory the
  // process ever used, not in time.
  class Extra {
    constructor (list) { this.list = list }
  }
  const huge = () => {
    const a = []
    a[1e8 - 1] = 1
    return a
  }
  const before = process.resourceUsage().maxRSS
  for (const [payload, path] of [
    [{ ...DOCUMENTED, extra: { deep: huge() } }, 'extra.deep'],
    [{ ...DOCUMENTED, extra: new Extra(huge()) }, 'extra.list'],
    [{ ...DOCUMENTED, content: huge() }, 'content'],
  ]) {
    assert.throws(() => dialtime.validate(payload), (e) => {
      isValidation(path)(e)
      assert.match(e.problems.find((p) => p.path === path).message, /more than 10000 items/)
      return true
    })
  }
  // What a toJSON returns is what counts (an array's own toJSON too), with its path.
  for (const [payload, path] of [
    [{ ...DOCUMENTED, extra: { toJSON: () => huge() } }, 'extra'],
    [{ ...DOCUMENTED, content: Object.assign([], { toJSON: () => huge() }) }, 'content'],
    [{ ...DOCUMENTED, extra: [{ list: { toJSON: () => [1, huge()] } }] }, 'extra[0].list[1]'],
  ]) {
    assert.throws(() => dialtime.validate(payload), (e) => {
      isValidation(path)(e)
      assert.match(e.problems.find((p) => p.path === path).message, /more than 10000 items/)
      return true
    })
  }
  const grew = (process.resourceUsage().maxRSS - before) / 1024
  assert.ok(grew < 256, `the process grew by ${grew.toFixed(0)} MB`)
  // Within the limit, the same shapes are stringified as they are: a plain payload passes,
  // and a toJSON is honoured (what it returns is validated).
  dialtime.validate({ ...DOCUMENTED })
  dialtime.validate({ toJSON: () => DOCUMENTED })
})

test('an emulator pad beyond its limit is refused, not allocated', async () => {
  // pad_to_bytes 2**62 aborted the process (allocation failure); 2**40 ran it out of memory.
  const emu = await dialtime.Emulator.start()
  try {
    for (const n of [2 ** 62, 2 ** 40, 2 ** 32 - 1]) {
      assert.throws(() => emu.pushFault({ pad_to_bytes: n }), /pad_to_bytes/)
    }
    emu.pushFault({ pad_to_bytes: 9 << 20 })
    assert.equal(emu.pendingFaults, 1)
  } finally {
    await emu.stop()
  }
})

test('a panic becomes a DialtimeError, sync and async', async () => {
  assert.throws(() => native.__panicForTests('sync'), (e) => {
    assert.equal(e.constructor, dialtime.DialtimeError, e.message)
    assert.match(e.message, /internal error/)
    return true
  })
  for (const where of ['async', 'convert']) {
    await assert.rejects(native.__panicForTests(where), (e) => {
      assert.equal(e.constructor, dialtime.DialtimeError, `${where}: ${e.message}`)
      return true
    })
  }
})

test('a long echoed token never shows', async () => {
  const token = 'Ab/9'.repeat(400).slice(0, 1500)
  const escaped = token.replaceAll('/', '\\/')
  await withEmulator(async (emu) => {
    const client = new Client({ token, baseUrl: emu.baseUrl, maxRetries: 0 })
    for (const body of [`{"message":"bad ${token}"}`, `{"message":"bad ${escaped}"}`, `plain ${token}`]) {
      emu.pushFault({ status: 401, body })
      await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), (e) => {
        const shown = [e.message, e.stack, e.bodyExcerpt, e.apiMessage, util.inspect(e, { depth: 5 }), util.inspect(client)].join(' ')
        for (const secret of [token, escaped]) assert.ok(!shown.includes(secret.slice(0, 40)))
        return true
      })
    }
  })
})

test('the emulator refuses unknown fault keys, naming them', async () => {
  await withEmulator(async (emu) => {
    assert.throws(() => emu.pushFault({ stauts: 500 }), /stauts/)
  })
})

test('a group the JavaScript side cannot make rejects its call; nothing crashes', async () => {
  // Saved groups are made by index.js's makeGroup (src/js.rs). A copy of the addon (a library
  // of its own) registered with a maker that throws shows what any throw while settling does:
  // that call rejects with it, and the calls after it work.
  const fs = require('node:fs')
  const os = require('node:os')
  const path = require('node:path')
  const root = path.join(__dirname, '..')
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-maker-')))
  try {
    fs.copyFileSync(path.join(root, 'index.js'), path.join(dir, 'index.js'))
    fs.copyFileSync(path.join(root, 'dialtime.node'), path.join(dir, 'dialtime.node'))
    const copy = require(path.join(dir, 'index.js'))
    const addon = require.cache[path.join(dir, 'dialtime.node')].exports
    const fromNative = (kind, message) => new Error(`${kind}: ${message}`)
    await withEmulator(async (emu) => {
      const client = new copy.Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 0 })
      const aborts = { add() {}, remove() {} }
      addon.register(fromNative, () => {
        throw new Error('no group today')
      }, JSON.stringify, aborts, Object)
      await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), /no group today/)
      addon.register(fromNative, (id, name) => ({ id, name }), JSON.stringify, aborts, Object)
      const made = await client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, name: 'again', is_default: false })
      assert.deepEqual(Object.keys(made), ['id', 'name'])
      assert.equal(made.name, 'again')
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('arguments of the wrong type are TypeErrors naming the argument or the option', async () => {
  const client = new Client({ token: 't', baseUrl: 'http://127.0.0.1:9' })
  const groups = client.dialTimeGroups
  const user = '4d99d91c-f5d9-49da-88da-758977cc58a9'
  const named = (text) => (e) => {
    assert.ok(e instanceof TypeError, `${e.constructor.name}: ${e.message}`)
    assert.ok(e.message.includes(text), e.message)
    return true
  }
  assert.throws(() => groups.create(123, DOCUMENTED), named('userId must be a string, got a number'))
  assert.throws(() => groups.list(), named('userId must be a string, got undefined'))
  assert.throws(() => groups.listAll(null), named('userId must be a string, got null'))
  assert.throws(() => groups.update(user, '5', { name: 'x' }), named('groupId must be a number, got a string'))
  assert.throws(() => groups.delete(user), named('groupId must be a number, got undefined'))
  assert.throws(() => groups.ensure({}, DOCUMENTED), named('userId must be a string, got an object'))
  // A payload that is not an object is a TypeError naming it (a missing one was reported as
  // the ValidationError `$: must be a JSON object, got null`); what an object holds is validated.
  assert.throws(() => groups.create(user), named('group must be an object, got undefined'))
  assert.throws(() => groups.ensure(user, null), named('group must be an object, got null'))
  assert.throws(() => groups.update(user, 5), named('changes must be an object, got undefined'))
  assert.throws(() => groups.update(user, 5, 'x'), named('changes must be an object, got a string'))
  assert.throws(() => new dialtime.Schedule(), named('group must be an object, got undefined'))
  await assert.rejects(groups.create(user, []), (e) => e instanceof dialtime.ValidationError && /\$: must be a JSON object/.test(e.message))
  assert.throws(() => groups.list(user, { page: '1' }), named('`page` in the list options must be a number, got a string'))
  assert.throws(() => new Client({ token: 't', timeoutMs: null }), named('`timeoutMs` in the Client options must be a number, got null'))
  assert.throws(() => new Client({ token: 5 }), named('`token` in the Client options must be a string, got a number'))
  assert.throws(() => new Client({ token: 't', defaultHeaders: { 'x-t': 5 } }), named('wrong type'))
  assert.throws(
    () => new Client({ token: 't', rootCertificatesPem: [1] }),
    named('`rootCertificatesPem` in the Client options must be a string or an array of strings, got an array holding something else'),
  )
  // A logger is checked when given, not at its first line (`{}` lost every line).
  assert.throws(() => new Client({ token: 't', logger: 'x' }), named('logger must be an object with debug and info methods'))
  assert.throws(() => new Client({ token: 't', logger: { debug() {} } }), named('got one whose info is undefined'))
  assert.doesNotThrow(() => new Client({ token: 't', logger: { debug() {}, info() {} } }))
  // The schedule and calendar methods name their argument too (napi's "StringExpected" did not).
  const schedule = new dialtime.Schedule(DOCUMENTED)
  const calendar = dialtime.Calendar.china()
  assert.throws(() => schedule.day(5), named('date must be a string, got a number'))
  assert.throws(() => schedule.summary(5), named('lang must be a string, got a number'))
  assert.equal(schedule.summary(undefined), schedule.summary('zh'))
  assert.throws(() => calendar.status(5), named('date must be a string, got a number'))
  assert.throws(() => calendar.covers('2026'), named('year must be a number, got a string'))
  assert.throws(() => calendar.loadHolidayCn(5), named('text must be a string, got a number'))
})

test('years and fault ids are whole numbers, never truncated or wrapped', async () => {
  const calendar = dialtime.Calendar.china()
  assert.equal(calendar.covers(2026), true)
  assert.equal(calendar.covers(2 ** 32 + 2026), false, 'was wrapped to 2026')
  assert.equal(calendar.covers(1e6), false)
  assert.throws(() => calendar.covers(2026.7), isValidation('year'))
  await withEmulator(async (emu) => {
    const id = emu.pushFault({ status: 503 })
    assert.equal(emu.removeFault(2 ** 32 + id), false, 'removed fault id')
    assert.equal(emu.removeFault(-id), false)
    assert.throws(() => emu.removeFault(id + 0.5), isValidation('id'))
    assert.throws(() => emu.removeFault(String(id)), (e) => e instanceof TypeError && /id must be a number/.test(e.message))
    assert.equal(emu.pendingFaults, 1)
    assert.equal(emu.removeFault(id), true)
  })
  // The emulator's numeric options: a port of 1.5 served on 1, -1 kept 4294967295 requests.
  for (const [options, path] of [
    [{ port: 1.5 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ requestLogLimit: -1 }, 'request_log_limit'],
    [{ requestLogLimit: 0.5 }, 'request_log_limit'],
    [{ requestLogLimit: NaN }, 'request_log_limit'],
    [{ requestLogLimit: Infinity }, 'request_log_limit'],
    [{ port: NaN }, 'port'],
  ]) {
    await assert.rejects(dialtime.Emulator.start(options), isValidation(path), JSON.stringify(options))
  }
  const emu = await dialtime.Emulator.start({ requestLogLimit: 3 })
  await emu.stop()
  // A stopped emulator's methods throw the library's ConfigError, not napi's plain Error.
  assert.throws(() => emu.pushFault({ status: 503 }), (e) => e instanceof dialtime.ConfigError && /stopped/.test(e.message))
  await assert.rejects(emu.withFault({ status: 503 }, () => 1), dialtime.ConfigError)
})

test('a lone surrogate is refused at its path, never sent replaced', async () => {
  for (const name of ['a\ud800b', '\udfff', 'x\ud83d']) {
    assert.throws(() => dialtime.validate({ ...DOCUMENTED, name }), (e) => {
      isValidation('name')(e)
      assert.match(e.problems[0].message, /lone surrogate/)
      return true
    })
  }
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, ['k\ud800']: 1 }), isValidation())
  assert.doesNotThrow(() => dialtime.validate({ ...DOCUMENTED, name: 'emoji \ud83d\ude00 ok' }))
  await withEmulator(async (emu, client) => {
    await assert.rejects(client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, name: 'a\ud800b' }), isValidation('name'))
    assert.equal(emu.requestCount, 0, 'nothing was sent')
  })
})

test('a payload getter that throws is a ValidationError naming it, whatever the options', async () => {
  const client = new Client({ token: 't', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
  const user = '4d99d91c-f5d9-49da-88da-758977cc58a9'
  const payload = () => ({
    get name() {
      throw new Error('boom')
    },
    content: DOCUMENTED.content,
    is_default: false,
    skip_holiday: false,
  })
  const boom = (e) => {
    assert.ok(e instanceof dialtime.ValidationError, `${e.constructor.name}: ${e.message}`)
    assert.deepEqual(e.problems.map((p) => p.path), ['name'])
    assert.ok(e.problems[0].message.includes('reading it threw "boom"'), e.problems[0].message)
    return true
  }
  // With a signal, the signal was blamed (the getter's exception was left pending).
  const ac = new AbortController()
  await assert.rejects(client.dialTimeGroups.create(user, payload(), { signal: ac.signal }), boom)
  await assert.rejects(client.dialTimeGroups.ensure(user, payload(), { signal: ac.signal }), boom)
  await assert.rejects(client.dialTimeGroups.create(user, payload()), boom)
  assert.throws(() => dialtime.validate(payload()), boom)
})

test('a DialtimeError made by hand keeps its cause and details', () => {
  const cause = new Error('socket')
  const e = new dialtime.NotFoundError('gone', { cause, httpStatus: 404 })
  assert.equal(e.cause, cause)
  assert.equal(e.httpStatus, 404)
  assert.equal(e.kind, 'not_found')
  assert.ok(!('cause' in new dialtime.NotFoundError('gone')))
})

test('one signal shared by many calls is one listener: no leak warning, every call aborted', async () => {
  await withEmulator(async (emu) => {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
    const warnings = []
    const onWarning = (w) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const ac = new AbortController()
      const calls = Array.from({ length: 50 }, () => client.dialTimeGroups.list(emu.userId, { signal: ac.signal }))
      await Promise.all(calls)
      // Settled calls stopped listening: the signal has no listener left (Node keeps a signal
      // with one alive, an AbortSignal.any per call among them).
      const { getEventListeners } = require('node:events')
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0)
      // The next ones abort together.
      emu.pushFault({ delay_ms: 5000, times: 20 })
      const slow = Array.from({ length: 20 }, () => client.dialTimeGroups.list(emu.userId, { signal: ac.signal }))
      setTimeout(() => ac.abort(new Error('stop')), 50)
      const outcomes = await Promise.allSettled(slow)
      assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason.message === 'stop'), JSON.stringify(outcomes.map((o) => o.status)))
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(warnings.map((w) => w.name), [])
    } finally {
      process.off('warning', onWarning)
      emu.clearFaults()
    }
  })
})

test('a class called without new throws a TypeError and leaves the module intact', async () => {
  // napi-rs cannot tell a call from `new`: dialtime.Client(options) made a client of the
  // exports object (`this`), and every later `new dialtime.Client` failed.
  const names = ['Client', 'DialTimeGroups', 'GroupCursor', 'Emulator', 'ScopedFault', 'ResponseRecorder', 'Schedule', 'Calendar']
  for (const name of names) {
    assert.throws(() => dialtime[name]({ token: 't', baseUrl: 'http://127.0.0.1:9' }), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e.constructor.name} ${e.message}`)
      assert.match(e.message, new RegExp(`${name} cannot be invoked without 'new'`))
      return true
    })
    assert.throws(() => dialtime[name].call(undefined), TypeError)
  }
  assert.equal(typeof dialtime.dialTimeGroups, 'undefined')
  const client = new dialtime.Client({ token: 't', baseUrl: 'http://127.0.0.1:9' })
  assert.ok(client instanceof dialtime.Client && client.dialTimeGroups instanceof dialtime.DialTimeGroups)
  assert.equal(client.constructor, dialtime.Client)
  assert.equal(client.dialTimeGroups.constructor, dialtime.DialTimeGroups)
  const calendar = dialtime.Calendar.china()
  assert.ok(calendar instanceof dialtime.Calendar)
  class Mine extends dialtime.Client {}
  assert.ok(new Mine({ token: 't', baseUrl: 'http://127.0.0.1:9' }) instanceof dialtime.Client)
  const emu = await dialtime.Emulator.start()
  assert.ok(emu instanceof dialtime.Emulator)
  await emu.stop()
})

test('new on a class whose objects dialtime makes throws a TypeError naming the way to get one', () => {
  // napi-rs threw a plain Error ("Class contains no `constructor`, can not new it!").
  const madeBy = {
    DialTimeGroups: 'client.dialTimeGroups',
    GroupCursor: 'listAll',
    Emulator: 'Emulator.start()',
    ScopedFault: 'emulator.fault',
    Calendar: 'Calendar.china()',
  }
  for (const [name, hint] of Object.entries(madeBy)) {
    assert.throws(() => new dialtime[name](), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e.constructor.name} ${e.message}`)
      assert.ok(e.message.startsWith(`${name} has no public constructor: use `) && e.message.includes(hint), e.message)
      return true
    })
    assert.throws(() => Reflect.construct(dialtime[name], []), TypeError)
  }
  class Mine extends dialtime.Calendar {}
  assert.throws(() => new Mine(), /Calendar has no public constructor/)
  // The classes with a constructor are untouched.
  assert.ok(new dialtime.ResponseRecorder() instanceof dialtime.ResponseRecorder)
  assert.throws(() => new dialtime.Client({ token: '' }), dialtime.ConfigError)
})

test('Weekday maps both ways, as the TypeScript enum it is declared as', () => {
  assert.equal(dialtime.Weekday.Monday, 1)
  assert.equal(dialtime.Weekday[1], 'Monday')
  assert.equal(dialtime.Weekday[dialtime.Weekday.Sunday], 'Sunday')
  assert.ok(Object.isFrozen(dialtime.Weekday))
  // The reverse entries are not enumerable: Object.values is still the seven numbers.
  assert.deepEqual(Object.values(dialtime.Weekday), [0, 1, 2, 3, 4, 5, 6])
})

test('an error made at the JS stack limit is the RangeError plain JavaScript gets, never a segfault', () => {
  // napi-rs's conversion of what the error factory threw ran toString and read `cause`, each
  // throwing again at the limit, until the native stack overflowed (exit 139, in workers too).
  const { spawnSync } = require('node:child_process')
  const script = `
    const d = require(process.argv[1])
    function deep() { try { return deep() } catch { try { d.validate({}); return 'no error' } catch (e) { return e } } }
    const e = deep()
    // A toJSON that validates its own payload recurses through the addon the same way.
    const p = { toJSON() { try { d.validate(p) } catch {} return { name: 'a' } } }
    let second
    try { d.validate(p) } catch (x) { second = x }
    // The module still works afterwards.
    let after
    try { d.validate({}) } catch (x) { after = x }
    console.log(JSON.stringify({
      first: e && e.constructor && e.constructor.name,
      second: second && second.constructor.name,
      after: after instanceof d.ValidationError,
    }))
  `
  const root = require('node:path').join(__dirname, '..')
  for (const args of [['-e', script, root], ['--stack-size=400', '-e', script, root]]) {
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })
    assert.equal(child.status, 0, `${args[0]}: signal ${child.signal}, stderr: ${child.stderr.slice(-500)}`)
    const seen = JSON.parse(child.stdout.trim().split('\n').pop())
    assert.ok(['RangeError', 'ValidationError'].includes(seen.first), JSON.stringify(seen))
    assert.ok(['RangeError', 'ValidationError'].includes(seen.second), JSON.stringify(seen))
    assert.equal(seen.after, true)
  }
})

test('the Client options are read once: what is checked is what is used', async () => {
  const base = { token: 'tok_abcdefgh12345', baseUrl: 'http://127.0.0.1:1' }
  // A getter answering a small object first and a hundred 10 MB headers after: the count saw
  // the first, the conversion copied the second (1 GB).
  const big = 'a'.repeat(10 << 20)
  const reads = { defaultHeaders: 0, rootCertificatesPem: 0, timeoutMs: 0, logger: 0 }
  const options = {
    ...base,
    get defaultHeaders() {
      reads.defaultHeaders += 1
      return reads.defaultHeaders === 1
        ? { 'x-tenant': 'acme' }
        : Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, big]))
    },
    get rootCertificatesPem() {
      reads.rootCertificatesPem += 1
      return undefined
    },
    get timeoutMs() {
      reads.timeoutMs += 1
      return reads.timeoutMs === 1 ? 5000 : 'soon'
    },
    get logger() {
      reads.logger += 1
      return undefined
    },
  }
  const before = process.memoryUsage().rss
  const client = new Client(options)
  assert.equal(client.timeoutMs, 5000)
  assert.deepEqual(reads, { defaultHeaders: 1, rootCertificatesPem: 1, timeoutMs: 1, logger: 1 })
  assert.ok(process.memoryUsage().rss - before < 300e6, `rss grew by ${process.memoryUsage().rss - before}`)
  // Pairs (a Map) from a getter: read once, converted once.
  let maps = 0
  const fromMap = new Client({ ...base, get defaultHeaders() { maps += 1; return new Map([['x-a', String(maps)]]) } })
  assert.ok(fromMap instanceof Client)
  assert.equal(maps, 1)
  // A Proxy listing one name to the count and five hundred 1 MB headers after: listed once.
  const mb = 'b'.repeat(1 << 20)
  const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, mb]))
  let listings = 0
  const lying = new Proxy(many, { ownKeys: (t) => (++listings === 1 ? ['x-h0'] : Reflect.ownKeys(t)) })
  const rss = process.memoryUsage().rss
  assert.ok(new Client({ ...base, defaultHeaders: lying }) instanceof Client)
  assert.equal(listings, 1)
  assert.ok(process.memoryUsage().rss - rss < 200e6, `rss grew by ${process.memoryUsage().rss - rss}`)
  // What an application put on Object.prototype: an accessor neither swallows an option nor
  // is read again (one answering undefined, then a hundred 10 MB headers, had them copied);
  // an enumerable property is no header.
  let protoReads = 0
  const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, big]))
  Object.defineProperty(Object.prototype, 'token', { set() {}, get() { return undefined }, configurable: true })
  Object.defineProperty(Object.prototype, 'defaultHeaders', {
    get() { return ++protoReads === 1 ? undefined : hundred },
    configurable: true,
  })
  const rssBefore = process.memoryUsage().rss
  try {
    assert.equal(new Client({ ...base }).baseUrl, base.baseUrl)
    assert.equal(protoReads, 1)
  } finally {
    delete Object.prototype.token
    delete Object.prototype.defaultHeaders
  }
  assert.ok(process.memoryUsage().rss - rssBefore < 300e6, `rss grew by ${process.memoryUsage().rss - rssBefore}`)
  const served = await dialtime.Emulator.start()
  Object.prototype.polluted = 'yes'
  try {
    for (const headers of [{ 'x-a': '1' }, new Map([['x-a', '1']]), Object.assign(Object.create(null), { 'x-a': '1' })]) {
      const c = new Client({ token: served.token, baseUrl: served.baseUrl, defaultHeaders: headers })
      await c.dialTimeGroups.list(served.userId)
      const sent = served.requests().at(-1).headers
      assert.equal(sent['x-a'], '1')
      assert.ok(!Object.prototype.hasOwnProperty.call(sent, 'polluted'), JSON.stringify(sent))
    }
  } finally {
    delete Object.prototype.polluted
    await served.stop()
  }
  // Inherited getters (a class's) are read once too, and unknown own keys still refused.
  class Options {
    get token() { reads.token = (reads.token ?? 0) + 1; return base.token }
  }
  assert.equal(new Client(Object.assign(new Options(), { baseUrl: base.baseUrl })).baseUrl, base.baseUrl)
  assert.equal(reads.token, 1)
  assert.throws(() => new Client({ ...base, timeout: 5 }), /unknown option `timeout` in the Client options/)
  // The header that was read is the one sent.
  const emu = await dialtime.Emulator.start()
  try {
    let n = 0
    const c = new Client({ token: emu.token, baseUrl: emu.baseUrl, get defaultHeaders() { n += 1; return { 'x-tenant': `t${n}` } } })
    await c.dialTimeGroups.list(emu.userId)
    assert.equal(emu.requests().at(-1).headers['x-tenant'], 't1')
  } finally {
    await emu.stop()
  }
})

test('root certificates are measured before they are copied, each item read once', () => {
  // A thousand references to one 10 MB string were 10 GB copied before any check; the core's
  // limits (256 texts, 8 MiB in all) now apply as each is read.
  const base = { token: 'tok_abcdefgh12345', baseUrl: 'http://127.0.0.1:1' }
  const big = 'c'.repeat(10 << 20)
  const before = process.memoryUsage().rss
  for (const given of [Array(1000).fill(big), big, Array(100).fill('c'.repeat(1 << 20))]) {
    assert.throws(() => new Client({ ...base, rootCertificatesPem: given }),
      (e) => e instanceof dialtime.ConfigError && /rootCertificatesPem holds more than 8388608 bytes of PEM/.test(e.message) || assert.fail(e))
  }
  assert.throws(() => new Client({ ...base, rootCertificatesPem: Array(300).fill('x') }),
    (e) => e instanceof dialtime.ConfigError && /rootCertificatesPem holds 257 PEM texts, at most 256/.test(e.message) || assert.fail(e))
  assert.ok(process.memoryUsage().rss - before < 300e6, `rss grew by ${process.memoryUsage().rss - before}`)
  let reads = 0
  const lying = []
  Object.defineProperty(lying, 0, { get: () => (++reads === 1 ? 'x' : big), enumerable: true })
  assert.throws(() => new Client({ ...base, rootCertificatesPem: lying }), dialtime.ConfigError)
  assert.equal(reads, 1)
  assert.throws(() => new Client({ ...base, rootCertificatesPem: null }),
    { name: 'TypeError', message: '`rootCertificatesPem` in the Client options must be a string or an array of strings, got null' })
})

test('too many default headers are a ConfigError naming the limit, not a panic', () => {
  const base = { token: 'tok_abcdefgh12345', baseUrl: 'http://127.0.0.1:1' }
  const headers = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']))
  assert.ok(new Client({ ...base, defaultHeaders: headers(64) }) instanceof Client)
  // Counted before the names and values are copied: a hundred names of one 10 MB string
  // were copied to 1 GB before the error (a thousand: 10 GB, an abort where memory is capped).
  const big = 'a'.repeat(10 << 20)
  const before = process.memoryUsage().rss
  assert.throws(() => new Client({ ...base, defaultHeaders: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, big])) }),
    (e) => e instanceof dialtime.ConfigError && /defaultHeaders holds 100 headers, at most 64/.test(e.message))
  assert.ok(process.memoryUsage().rss - before < 300e6, `rss grew by ${process.memoryUsage().rss - before}`)
  // Own names only, as fetch reads a record of headers: inherited ones are not headers (and
  // are not copied), symbols neither.
  const inherited = Object.create(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, big])))
  assert.ok(new Client({ ...base, defaultHeaders: inherited }) instanceof Client)
  assert.ok(process.memoryUsage().rss - before < 300e6, `rss grew by ${process.memoryUsage().rss - before}`)
  // A function's properties are not headers (they were taken, uncounted: 1 GB copied).
  const fn = Object.assign(function headers() {}, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, big])))
  assert.throws(() => new Client({ ...base, defaultHeaders: fn }),
    (e) => e instanceof TypeError && e.message === 'defaultHeaders must be an object of header names to values, got a function')
  assert.ok(process.memoryUsage().rss - before < 300e6, `rss grew by ${process.memoryUsage().rss - before}`)
  assert.ok(new Client({ ...base, defaultHeaders: { ...headers(64), [Symbol('s')]: 'v' } }) instanceof Client)
  for (const n of [65, 24_573]) {
    assert.throws(() => new Client({ ...base, defaultHeaders: headers(n) }), (e) => {
      assert.ok(e instanceof dialtime.ConfigError, `${e.constructor.name}: ${e.message}`)
      assert.match(e.message, new RegExp(`defaultHeaders holds ${n} headers, at most 64`))
      return true
    })
  }
})
