'use strict'
// The shared response vectors (tests/vectors/group_responses.json), served by the emulator.
const test = require('node:test')
const assert = require('node:assert/strict')
const dialtime = require('..')
const { vectors, withEmulator, DOCUMENTED } = require('./helpers')

const CLASSES = {
  validation: dialtime.ValidationError,
  authentication: dialtime.AuthenticationError,
  not_found: dialtime.NotFoundError,
  rate_limited: dialtime.RateLimitError,
  api: dialtime.APIError,
  server: dialtime.ServerError,
  decode: dialtime.DecodeError,
}

const { responses } = vectors('group_responses.json')

function serve(emu, c) {
  emu.pushFault({ status: c.status, body: c.body, retry_after: c.headers['retry-after'] })
}

test('groups are read tolerantly and written canonically', async () => {
  await withEmulator(async (emu, client) => {
    for (const c of responses.filter((r) => r.group)) {
      serve(emu, c)
      const group = await client.dialTimeGroups.create(emu.userId, DOCUMENTED)
      // The wire form back from the Node shape: timestamps from their ISO text (China time),
      // null where the platform has none (the Date null too).
      const { created_at_text: created, updated_at_text: updated, ...rest } = group
      const civil = (text) => (text === null ? null : text.replace('T', ' ').slice(0, 19))
      const wire = { ...rest, created_at: civil(created), updated_at: civil(updated) }
      assert.deepEqual(wire, c.group, c.name)
      assert.deepEqual(Object.keys(wire), Object.keys(c.group), `${c.name}: key order`)
      for (const [date, text] of [[group.created_at, created], [group.updated_at, updated]]) {
        assert.equal(date === null ? null : date.getTime(), text === null ? null : new Date(text).getTime(), c.name)
      }
    }
  })
})

test('error answers reject with their class', async () => {
  await withEmulator(async (emu, client) => {
    for (const c of responses.filter((r) => r.error)) {
      serve(emu, c)
      const expected = c.error
      await assert.rejects(client.dialTimeGroups.create(emu.userId, DOCUMENTED), (e) => {
        assert.equal(e.constructor, CLASSES[expected.kind], `${c.name}: ${e.message}`)
        assert.equal(e.kind, expected.kind)
        assert.equal(e.httpStatus, expected.http_status, c.name)
        assert.ok(c.body.startsWith(e.bodyExcerpt.replace(/…$/, '')), c.name)
        if (e instanceof dialtime.APIError) {
          assert.equal(e.envelopeCode, expected.code, c.name)
          assert.equal(e.apiMessage, expected.message, c.name)
          assert.deepEqual(e.problems.map((p) => p.path), expected.problems, c.name)
        }
        if (e instanceof dialtime.RateLimitError) {
          const ms = expected.retry_after_ms
          assert.equal(e.retryAfterMs, ms, c.name)
        }
        return true
      })
    }
  })
})
