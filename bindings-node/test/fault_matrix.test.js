'use strict'
// The fault matrix (tests/vectors/faults.json): every fault × every operation against the
// emulator; each cell checks the error class, the requests the server saw, and that a create
// never left two groups behind.
const test = require('node:test')
const assert = require('node:assert/strict')
const net = require('node:net')
const dialtime = require('..')
const { Client, Emulator } = dialtime
const { vectors } = require('./helpers')

const MATRIX = vectors('faults.json')
const CLASSES = {
  ok: null,
  connection: dialtime.APIConnectionError,
  timeout: dialtime.APITimeoutError,
  rate_limited: dialtime.RateLimitError,
  server: dialtime.ServerError,
  decode: dialtime.DecodeError,
  api: dialtime.APIError,
}

function deadUrl() {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(`http://127.0.0.1:${port}`))
    })
  })
}

async function drain(iterable) {
  for await (const _ of iterable);
}

async function cell(fault, op) {
  const emu = await Emulator.start()
  try {
    const clean = new Client({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 0 })
    const seeded = await clean.dialTimeGroups.create(emu.userId, MATRIX.seed)
    let baseUrl = emu.baseUrl
    if (fault.refused) baseUrl = await deadUrl()
    else emu.pushFault({ ...fault.fault, times: 99 })
    const { max_retries: maxRetries, timeout_ms: timeoutMs } = MATRIX.client
    const groups = new Client({ token: emu.token, baseUrl, maxRetries, timeoutMs }).dialTimeGroups
    const run = {
      create: () => groups.create(emu.userId, MATRIX.create),
      list: () => groups.list(emu.userId),
      list_all: () => drain(groups.listAll(emu.userId)),
      update: () => groups.update(emu.userId, seeded.id, MATRIX.update),
      delete: () => groups.delete(emu.userId, seeded.id),
      ensure: () => groups.ensure(emu.userId, MATRIX.seed),
    }
    const before = emu.requestCount
    const want = fault.expect[op]
    const Expected = CLASSES[want.kind]
    const label = `${fault.name} × ${op}`
    if (Expected === null) await run[op]()
    else {
      await assert.rejects(run[op](), (e) => {
        assert.equal(e.constructor, Expected, `${label}: ${e.constructor.name}: ${e.message}`)
        return true
      })
    }
    emu.clearFaults()
    assert.equal(emu.requestCount - before, want.requests, label)
    if (op === 'create') {
      let named = 0
      for await (const g of clean.dialTimeGroups.listAll(emu.userId)) if (g.name === MATRIX.create.name) named++
      assert.ok(named <= 1, `${label}: ${named} groups`)
    }
  } finally {
    await emu.stop()
  }
}

for (const fault of MATRIX.faults) {
  test(`fault matrix: ${fault.name}`, async () => {
    // The operations of one fault run concurrently (each on its own emulator).
    await Promise.all(MATRIX.operations.map((op) => cell(fault, op)))
  })
}
