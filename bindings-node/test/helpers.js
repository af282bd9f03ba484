'use strict'
// Shared by the node:test files: the vectors every language reads, the documented group, and a
// fresh emulator per test.
const fs = require('node:fs')
const path = require('node:path')
const { Client, Emulator } = require('..')

const VECTORS = path.join(__dirname, '..', '..', 'tests', 'vectors')

function vectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, name), 'utf8'))
}

const DOCUMENTED = Object.freeze({
  name: '周一周三拨打',
  content: [
    { week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }, { begin_time: '20:30', end_time: '22:00' }] },
    { week: 3, times: [{ begin_time: '08:00', end_time: '12:00' }, { begin_time: '20:30', end_time: '22:00' }] },
  ],
  is_default: true,
  skip_holiday: true,
})

/** Runs `fn(emu, client)` against a fresh emulator, stopping it afterwards. */
async function withEmulator(fn, options = {}) {
  const emu = await Emulator.start()
  try {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 0, ...options })
    return await fn(emu, client)
  } finally {
    await emu.stop()
  }
}

module.exports = { vectors, DOCUMENTED, withEmulator }
