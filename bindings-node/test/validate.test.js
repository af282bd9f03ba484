'use strict'
// The shared payload vectors (tests/vectors/new_group.json), as Rust, Python and C read them.
const test = require('node:test')
const assert = require('node:assert/strict')
const { validate, ValidationError, DialtimeError } = require('..')
const { vectors, withEmulator } = require('./helpers')

const { valid, invalid } = vectors('new_group.json')

test('valid payloads pass validate() and are saved in canonical form', async () => {
  await withEmulator(async (emu, client) => {
    for (const c of valid) {
      assert.equal(validate(c.payload), undefined, c.name)
      const saved = await client.dialTimeGroups.create(emu.userId, c.payload)
      for (const key of ['name', 'content', 'is_default', 'skip_holiday']) {
        assert.deepEqual(saved[key], c.wire[key], `${c.name}: ${key}`)
      }
    }
  })
})

test('invalid payloads list every problem path, in order', () => {
  assert.ok(invalid.length > 20)
  for (const c of invalid) {
    assert.throws(
      () => validate(c.payload),
      (e) => {
        assert.ok(e instanceof ValidationError && e instanceof DialtimeError && e instanceof Error, c.name)
        assert.equal(e.kind, 'validation')
        assert.deepEqual(e.problems.map((p) => p.path), c.problems, c.name)
        assert.ok(e.problems.every((p) => p.message.length > 0))
        return true
      },
    )
  }
})

test('invalid payloads are refused before anything is sent', async () => {
  await withEmulator(async (emu, client) => {
    for (const c of invalid) {
      await assert.rejects(client.dialTimeGroups.create(emu.userId, c.payload), (e) => {
        assert.ok(e instanceof ValidationError, c.name)
        assert.deepEqual(e.problems.map((p) => p.path), c.problems, c.name)
        return true
      })
    }
    assert.equal(emu.requestCount, 0)
  })
})

test('values that are not JSON are reported at the payload root', () => {
  for (const bad of [undefined, null, 42, 'text']) {
    assert.throws(() => validate(bad), ValidationError)
  }
})

test('payloads are read from their JSON text as from their values', async () => {
  const [documented] = valid
  // An update given as an array of its fields is refused, as an object's shape is required
  // (the quick reading of the text took serde's array form of a struct).
  await withEmulator(async (emu, client) => {
    const saved = await client.dialTimeGroups.create(emu.userId, documented.payload)
    const before = emu.requestCount
    await assert.rejects(client.dialTimeGroups.update(emu.userId, saved.id, ['renamed', null, null, null, null]), (e) => {
      assert.ok(e instanceof ValidationError)
      assert.deepEqual(e.problems.map((p) => p.path), ['$'])
      return true
    })
    assert.equal(emu.requestCount, before)
    // What a toJSON returns is what is read, and saved.
    const wrapped = { toJSON: () => ({ ...documented.payload, name: 'from toJSON' }) }
    assert.equal(validate(wrapped), undefined)
    assert.equal((await client.dialTimeGroups.create(emu.userId, wrapped)).name, 'from toJSON')
  })
  // A payload nested deeper than the JSON parser goes is walked, and its problem named there.
  let deep = 1
  for (let i = 0; i < 200; i++) deep = [deep]
  assert.throws(
    () => validate({ ...documented.payload, extra: deep }),
    (e) => {
      assert.ok(e instanceof ValidationError)
      assert.equal(e.problems.length, 1)
      assert.match(e.problems[0].path, /^extra\[0\]/)
      return true
    },
  )
})
