// The ESM entry gives the same objects as the CommonJS one.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import dialtime, { Client, Emulator, ValidationError, validate, VERSION } from 'dialtime'

const require = createRequire(import.meta.url)

test('import and require see one module', async () => {
  const cjs = require('dialtime')
  assert.equal(Client, cjs.Client)
  assert.equal(ValidationError, cjs.ValidationError)
  assert.equal(dialtime, cjs)
  assert.match(VERSION, /^\d+\.\d+\.\d+$/)
  assert.throws(() => validate({}), ValidationError)
  const emu = await Emulator.start()
  try {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
    const g = await client.dialTimeGroups.create(emu.userId, {
      name: 'esm',
      content: [{ week: 0, times: [{ begin_time: '00:00', end_time: '24:00' }] }],
      is_default: false,
      skip_holiday: false,
    })
    assert.equal(g.content[0].times[0].end_time, '24:00')
  } finally {
    await emu.stop()
  }
})

test('dialtime/testing: the ESM entry is the CommonJS one', async () => {
  const testing = await import('dialtime/testing')
  assert.equal(testing.withEmulator, require('dialtime/testing').withEmulator)
  assert.equal(testing.Emulator, Emulator)
  const count = await testing.withEmulator(async ({ emulator, client }) => {
    await client.dialTimeGroups.list(emulator.userId)
    return emulator.requests().length
  })
  assert.equal(count, 1)
})

test('import sees every name require() gives, from dialtime and dialtime/testing', async () => {
  // With no "exports" map, import() reads a CommonJS module's names statically
  // (cjs-module-lexer): a property of module.exports in a form it skips would be missing here.
  for (const name of ['dialtime', 'dialtime/testing']) {
    const cjs = require(name)
    const esm = await import(name)
    assert.ok(Object.keys(cjs).length > 0, name)
    for (const key of Object.keys(cjs)) assert.equal(esm[key], cjs[key], `${name}: ${key}`)
    assert.equal(esm.default, cjs, name)
  }
})
