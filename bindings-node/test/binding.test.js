'use strict'
// The loader (binding.js): a package per platform in npm/, each an optional dependency of
// the main package at its version, and a clear error when this platform's package is missing.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { platformPackage } = require('../binding.js')

const root = path.join(__dirname, '..')
const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const platforms = fs
  .readdirSync(path.join(root, 'npm'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => JSON.parse(fs.readFileSync(path.join(root, 'npm', d.name, 'package.json'), 'utf8')))

test('the staged package lists every platform package as an optional dependency', () => {
  // The committed package.json lists none (no install in a checkout asks the registry).
  assert.equal(main.optionalDependencies, undefined)
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-stage-'))
  try {
    const { stage } = require('../scripts/stage.cjs')
    const staged = stage(out)
    assert.equal(platforms.length, main.napi.targets.length)
    assert.deepEqual(Object.keys(staged.optionalDependencies).sort(), platforms.map((p) => p.name).sort())
    for (const p of platforms) {
      assert.equal(p.version, main.version, p.name)
      assert.equal(staged.optionalDependencies[p.name], main.version, p.name)
      assert.deepEqual(p.files, [p.main], p.name)
      assert.deepEqual(p.repository.url, main.repository.url, p.name)
    }
    for (const f of main.files) assert.ok(fs.existsSync(path.join(out, f)), f)
    assert.ok(!fs.existsSync(path.join(out, 'dialtime.node')), 'the addon is in the platform package')
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
})

test('the loader names the package of each platform', () => {
  const names = new Set(platforms.map((p) => p.name))
  const cases = [
    ['linux', 'x64', false, 'dialtime-linux-x64-gnu'],
    ['linux', 'x64', true, 'dialtime-linux-x64-musl'],
    ['linux', 'arm64', false, 'dialtime-linux-arm64-gnu'],
    ['linux', 'arm64', true, 'dialtime-linux-arm64-musl'],
    ['darwin', 'x64', false, 'dialtime-darwin-x64'],
    ['darwin', 'arm64', false, 'dialtime-darwin-arm64'],
    ['win32', 'x64', false, 'dialtime-win32-x64-msvc'],
  ]
  for (const [platform, arch, musl, expected] of cases) {
    assert.equal(platformPackage(platform, arch, () => musl), expected)
    assert.ok(names.has(expected), expected)
    const p = platforms.find((q) => q.name === expected)
    assert.deepEqual([p.os[0], p.cpu[0]], [platform, arch])
  }
  assert.equal(platformPackage('freebsd', 'x64'), null)
  assert.equal(platformPackage('linux', 'ia32'), null)
})

test('a missing platform package is named in the error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-loader-'))
  try {
    fs.copyFileSync(path.join(root, 'binding.js'), path.join(dir, 'binding.js'))
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'))
    const { load } = require(path.join(dir, 'binding.js'))
    assert.throws(load, (e) => e.message.includes(platformPackage()) && e.message.includes(`@${main.version}`))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
