'use strict'
// README "Names across languages" on real errors from the emulator, every core kind mapped
// to a class, Weekday, options in camelCase.
const test = require('node:test')
const assert = require('node:assert/strict')
const dialtime = require('..')
const { withEmulator, DOCUMENTED } = require('./helpers')

test('every core error kind has its class', () => {
  const kinds = dialtime.errorKinds()
  // The C statuses: 1–10, then 13 (11 and 12 are the C ABI's own: a bad argument, a panic).
  assert.deepEqual(kinds.map((k) => k.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13])
  const classes = Object.values(dialtime).filter((v) => typeof v === 'function' && v.prototype instanceof Error)
  const byKind = new Map(classes.map((C) => [C.kind, C]))
  for (const { name } of kinds) {
    const C = byKind.get(name)
    assert.ok(C && C !== dialtime.DialtimeError, name)
    assert.equal(new C('x').kind, name)
  }
  assert.deepEqual(new Set(byKind.keys()), new Set([...kinds.map((k) => k.name), 'internal']))
})

test('an API error carries every concept', async () => {
  await withEmulator(async (emu, client) => {
    emu.pushFault({ status: 429, code: 42901, message: '慢一点', retry_after: '2' })
    await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), (e) => {
      assert.ok(e instanceof dialtime.RateLimitError)
      assert.equal(e.kind, 'rate_limited')
      assert.equal(e.httpStatus, 429)
      assert.equal(e.envelopeCode, 42901)
      assert.equal(e.apiMessage, '慢一点')
      assert.match(e.message, /慢一点/)
      assert.deepEqual(e.problems, [])
      assert.match(e.bodyExcerpt, /"code":42901/)
      assert.equal(e.retryAfterMs, 2000)
      assert.equal(e.mayHaveBeenApplied, false)
      return true
    })
  })
})

test('a failed write says whether it may have been made', async () => {
  // A create is never retried: a gateway's 502/504 may follow the work done upstream.
  await withEmulator(async (emu, client) => {
    for (const [status, maybe] of [[504, true], [502, true], [503, false]]) {
      emu.pushFault({ status })
      await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), (e) => {
        assert.ok(e instanceof dialtime.ServerError)
        assert.equal(e.httpStatus, status)
        assert.equal(e.mayHaveBeenApplied, maybe)
        return true
      })
    }
  })
  assert.equal(new dialtime.ServerError('x').mayHaveBeenApplied, false)
  assert.equal(new dialtime.ServerError('x', { mayHaveBeenApplied: true }).mayHaveBeenApplied, true)
})

test('a validation error: problems, and nulls for what it has not', () => {
  assert.throws(() => dialtime.validate({ ...DOCUMENTED, name: ' ', content: [] }), (e) => {
    assert.equal(e.kind, 'validation')
    assert.deepEqual(e.problems.map((p) => p.path), ['name', 'content'])
    assert.deepEqual([e.httpStatus, e.envelopeCode, e.apiMessage, e.bodyExcerpt, e.retryAfterMs], [null, null, null, null, null])
    return true
  })
})

test('Weekday uses the platform numbers; plain numbers stay accepted', async () => {
  assert.equal(dialtime.Weekday.Sunday, 0)
  assert.equal(dialtime.Weekday.Saturday, 6)
  assert.equal(new Date('2026-10-01T10:00:00+08:00').getDay(), dialtime.Weekday.Thursday)
  await withEmulator(async (emu, client) => {
    const g = await client.dialTimeGroups.create(emu.userId, {
      ...DOCUMENTED,
      content: [{ week: dialtime.Weekday.Friday, times: [{ begin_time: '08:00:00', end_time: '18:00' }] }],
    })
    assert.equal(g.content[0].week, dialtime.Weekday.Friday)
    assert.equal(g.content[0].times[0].begin_time, '08:00')
  })
})

test('options are camelCase; pages too', async () => {
  await withEmulator(async (emu, client) => {
    const SUB = '0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e'
    await client.dialTimeGroups.create(emu.userId, { ...DOCUMENTED, sub_user_id: SUB })
    const page = await client.dialTimeGroups.list(emu.userId, { page: 1, subUserId: SUB })
    assert.deepEqual(Object.keys(page), ['data', 'currentPage', 'lastPage', 'perPage', 'total', 'hasMore'])
    assert.equal(page.total, 1)
    assert.equal((await client.dialTimeGroups.list(emu.userId)).total, 0)
  })
})
