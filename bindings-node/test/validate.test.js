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
