// node --test: the code under test, and its tests against the emulator (Jest and Vitest alike).
import test from 'node:test'
import assert from 'node:assert/strict'
import { ServerError } from 'dialtime'
import { withEmulator } from 'dialtime/testing'

const WORKDAYS = {
  name: '工作日白天',
  content: [1, 2, 3, 4, 5].map((week) => ({ week, times: [{ begin_time: '09:00', end_time: '18:00' }] })),
  is_default: true,
  skip_holiday: true,
}

async function install(client, userId) {
  const { group } = await client.dialTimeGroups.ensure(userId, WORKDAYS)
  return group.id
}

test('install saves the group once', () =>
  withEmulator(async ({ emulator, client }) => {
    assert.equal(await install(client, emulator.userId), await install(client, emulator.userId))
    const writes = emulator.requests().filter((r) => r.method !== 'GET')
    assert.deepEqual(writes.map((r) => [r.method, r.body.name]), [['POST', '工作日白天']])
  }))

test('install keeps an existing group', () =>
  withEmulator({ groups: [WORKDAYS] }, async ({ emulator, client }) => {
    assert.equal(await install(client, emulator.userId), 1)
    assert.ok(emulator.requests().every((r) => r.method === 'GET'))
  }))

test('install gives up on a long outage', () =>
  withEmulator(async ({ emulator, client }) => {
    await emulator.withFault({ status: 503, times: 10 }, () =>
      assert.rejects(install(client, emulator.userId), ServerError))
    assert.equal(emulator.pendingFaults, 0)
  }))
