'use strict'
// The testing kit: Emulator.start options, the request log, scoped faults, and the
// `dialtime/testing` helper (CommonJS here; the ESM entry in esm.test.mjs).
const test = require('node:test')
const assert = require('node:assert/strict')
const { Client, Emulator, ScopedFault, ServerError, AuthenticationError, ValidationError } = require('..')
const { withEmulator, clientFor } = require('../testing')
const { DOCUMENTED } = require('./helpers')

const SUB = '0b3c3a51-5b8f-4c43-9a71-1f7c1d2f0a11'
const OTHER_SUB = '9e0d7a3c-1111-4a2b-8c3d-2e4f6a8b0c1d'

test('the request log shows what was sent, never the token', () =>
  withEmulator(async ({ emulator, client }) => {
    await client.dialTimeGroups.create(emulator.userId, { ...DOCUMENTED, sub_user_id: SUB })
    await client.dialTimeGroups.list(emulator.userId, { page: 2, subUserId: SUB })
    const [create, list] = emulator.requests()
    assert.equal(create.method, 'POST')
    assert.equal(create.path, `/agent-api/user/${emulator.userId}/dial-time-group`)
    assert.equal(create.body.name, DOCUMENTED.name)
    assert.equal(create.body.sub_user_id, SUB)
    assert.equal(create.headers.authorization, '[present]')
    assert.equal(create.authorized, true)
    assert.equal(create.requestId, 'emu-1')
    assert.ok(Math.abs(new Date(create.time) - Date.now()) < 60_000)
    assert.equal(list.body, null)
    assert.deepEqual(list.query, { page: '2', sub_user_id: SUB })
    assert.deepEqual(emulator.lastRequest, list)
    assert.ok(!JSON.stringify(emulator.requests()).includes(emulator.token))
    emulator.clearRequests()
    assert.deepEqual(emulator.requests(), [])
    assert.equal(emulator.lastRequest, null)
    assert.equal(emulator.requestCount, 2)
  }))

test('scoped faults never leak past their scope', () =>
  withEmulator(async ({ emulator }) => {
    const client = clientFor(emulator, { maxRetries: 0 })
    const outage = emulator.fault({ status: 503, times: 5 })
    assert.ok(outage instanceof ScopedFault)
    await assert.rejects(client.dialTimeGroups.list(emulator.userId), ServerError)
    assert.equal(emulator.pendingFaults, 4)
    assert.equal(outage.remove(), true)
    assert.equal(outage.remove(), false)
    assert.equal(emulator.pendingFaults, 0)
    await assert.rejects(
      emulator.withFault({ status: 500, times: 3 }, async () => {
        await assert.rejects(client.dialTimeGroups.list(emulator.userId), ServerError)
        throw new Error('the test failed')
      }),
      /the test failed/,
    )
    assert.equal(emulator.pendingFaults, 0, 'removed although fn threw')
    assert.equal(await emulator.withFault({ status: 500 }, () => 'done'), 'done')
    const id = emulator.pushFault({ status: 502, method: 'POST' })
    assert.equal(emulator.removeFault(id), true)
    await client.dialTimeGroups.list(emulator.userId)
  }))

test('start options: sub-users, seed groups, token, user id, log limit', async () => {
  const seed = [DOCUMENTED, { ...DOCUMENTED, name: '子账号', is_default: false, sub_user_id: SUB }]
  await withEmulator(
    { subUsers: [SUB], groups: seed, requestLogLimit: 1, token: 'tok-abc', userId: '5f2b1c3d-0000-4000-8000-000000000001' },
    async ({ emulator, client }) => {
      assert.equal(emulator.token, 'tok-abc')
      assert.equal(emulator.userId, '5f2b1c3d-0000-4000-8000-000000000001')
      assert.deepEqual(emulator.subUsers, [SUB])
      const main = await client.dialTimeGroups.list(emulator.userId)
      assert.deepEqual(main.data.map((g) => [g.id, g.name]), [[1, DOCUMENTED.name]])
      const sub = await client.dialTimeGroups.list(emulator.userId, { subUserId: SUB })
      assert.equal(sub.data[0].name, '子账号')
      const refused = await client.dialTimeGroups.list(emulator.userId, { subUserId: OTHER_SUB }).catch((e) => e)
      assert.ok(refused instanceof AuthenticationError)
      assert.equal(refused.httpStatus, 403)
      assert.equal(emulator.requests().length, 1)
    },
  )
})

test('start options are checked', async () => {
  assert.throws(() => Emulator.start({ userID: 'x' }), (e) => e instanceof TypeError && /userID/.test(e.message))
  const bad = await Emulator.start({ groups: [DOCUMENTED, { ...DOCUMENTED, name: '' }] }).catch((e) => e)
  assert.ok(bad instanceof ValidationError)
  assert.deepEqual(bad.problems.map((p) => p.path), ['groups[1].name'])
  await assert.rejects(Emulator.start({ userId: 'not-a-uuid' }), /user_id/)
  const names = await withEmulator({ groups: JSON.stringify([DOCUMENTED]) }, async ({ emulator, client }) =>
    (await client.dialTimeGroups.list(emulator.userId)).data.map((g) => g.name))
  assert.deepEqual(names, [DOCUMENTED.name])
  await assert.rejects(withEmulator({}), TypeError)
})

test('withEmulator stops the emulator however fn ends', async () => {
  let seen
  await assert.rejects(
    withEmulator(async ({ emulator }) => {
      seen = emulator
      throw new Error('boom')
    }),
    /boom/,
  )
  await assert.rejects(fetch(seen.baseUrl + '/_emulator/health'))
  assert.ok(new Client({ token: 't', baseUrl: 'http://127.0.0.1:1' }))
})
