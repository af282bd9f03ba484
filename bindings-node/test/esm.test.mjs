// The ESM entry gives the same objects as the CommonJS one. The files by their paths here (a
// checkout has no node_modules/dialtime but what `make node` links); by the package's name
// from an application's node_modules in the last test.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import dialtime, { Client, Emulator, ValidationError, validate, VERSION } from '../index.js'

const require = createRequire(import.meta.url)

test('import and require see one module', async () => {
  const cjs = require('../index.js')
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
  const testing = await import('../testing')
  assert.equal(testing.withEmulator, require('../testing').withEmulator)
  assert.equal(testing.Emulator, Emulator)
  const count = await testing.withEmulator(async ({ emulator, client }) => {
    await client.dialTimeGroups.list(emulator.userId)
    return emulator.requests().length
  })
  assert.equal(count, 1)
})

test('import sees every name require() gives, from dialtime and dialtime/testing by name', () => {
  // With no "exports" map, import() reads a CommonJS module's names statically
  // (cjs-module-lexer): a property of module.exports in a form it skips would be missing.
  // Run in an application's folder, where node_modules/dialtime is this package.
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-esm-'))
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'))
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'dialtime'))
    const app = path.join(dir, 'app.mjs')
    fs.writeFileSync(
      app,
      [
        "import { createRequire } from 'node:module'",
        'const require = createRequire(import.meta.url)',
        'const seen = {}',
        "for (const name of ['dialtime', 'dialtime/testing']) {",
        '  const cjs = require(name)',
        '  const esm = await import(name)',
        '  const missing = Object.keys(cjs).filter((key) => esm[key] !== cjs[key])',
        '  seen[name] = { names: Object.keys(cjs).length, missing, sameDefault: esm.default === cjs }',
        '}',
        'console.log(JSON.stringify(seen))',
      ].join('\n'),
    )
    const child = spawnSync(process.execPath, [app], { encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    const seen = JSON.parse(child.stdout)
    assert.deepEqual(seen['dialtime'], { names: Object.keys(dialtime).length, missing: [], sameDefault: true })
    assert.deepEqual(seen['dialtime/testing'], { names: 3, missing: [], sameDefault: true })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
