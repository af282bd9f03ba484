'use strict'
// The loader (index.js): a package per platform in npm/, each an optional dependency of
// the main package at its version, and a clear error when this platform's package is missing.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { platformPackage } = require('..')[Symbol.for('dialtime.loader')]

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

test("require('dialtime') does not make Node load its ESM resolver", () => {
  // The first package with an "exports" map in a process makes Node 20 load and compile the
  // ESM resolver (~1.8 ms of require(), README "Speed"); dialtime has none. A package with one
  // beside it shows the check sees the resolver where it is loaded.
  const { spawnSync } = require('node:child_process')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-resolve-'))
  try {
    const modules = path.join(dir, 'node_modules')
    fs.mkdirSync(path.join(modules, 'mapped'), { recursive: true })
    fs.writeFileSync(path.join(modules, 'mapped', 'package.json'), '{"name":"mapped","exports":"./index.js"}')
    fs.writeFileSync(path.join(modules, 'mapped', 'index.js'), '')
    fs.symlinkSync(root, path.join(modules, 'dialtime'))
    const app = path.join(dir, 'app.js')
    fs.writeFileSync(
      app,
      "const resolver = () => process.moduleLoadList.includes('NativeModule internal/modules/esm/resolve')\n" +
        'const before = resolver()\n' +
        "require(process.argv[2])\n" +
        'console.log(JSON.stringify([before, resolver()]))\n',
    )
    const run = (name) => {
      const child = spawnSync(process.execPath, [app, name], { encoding: 'utf8' })
      assert.equal(child.status, 0, child.stderr)
      return JSON.parse(child.stdout)
    }
    assert.deepEqual(run('dialtime'), [false, false])
    assert.deepEqual(run('mapped'), [false, true])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
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
    fs.copyFileSync(path.join(root, 'index.js'), path.join(dir, 'index.js'))
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'))
    assert.throws(
      () => require(path.join(dir, 'index.js')),
      (e) => e.message.includes(platformPackage()) && e.message.includes(`@${main.version}`),
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the addon is found by its path in the layouts npm, pnpm and yarn make', () => {
  const pkg = platformPackage()
  const built = path.join(root, 'dialtime.node')
  const file = `dialtime.${pkg.slice('dialtime-'.length)}.node`
  // A sibling of the main package (npm's hoisting, pnpm's store), then one nested in it.
  for (const nested of [false, true]) {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-layout-')))
    try {
      const installed = path.join(dir, 'node_modules', 'dialtime')
      const platform = path.join(nested ? installed : dir, 'node_modules', pkg)
      fs.mkdirSync(installed, { recursive: true })
      fs.mkdirSync(platform, { recursive: true })
      fs.copyFileSync(path.join(root, 'index.js'), path.join(installed, 'index.js'))
      fs.copyFileSync(built, path.join(platform, file))
      const dialtime = require(path.join(installed, 'index.js'))
      assert.equal(dialtime.VERSION, main.version)
      assert.throws(() => dialtime.validate({}), dialtime.ValidationError, 'its own error classes')
      const { locate } = dialtime[Symbol.for('dialtime.loader')]
      assert.deepEqual(locate(), { file: path.join(platform, file) })
      // A wrong guess of the libc (a glibc system with musl's loader installed) finds the
      // package that is there.
      const wrong = pkg.endsWith('-gnu') ? () => true : () => false
      assert.deepEqual(locate(wrong), { file: path.join(platform, file) })
      if (process.platform === 'linux') {
        const maps = fs.readFileSync('/proc/self/maps', 'utf8')
        assert.ok(maps.includes(path.join(platform, file)), `loaded from ${platform}`)
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
})

test('a cleared require cache loads index.js again over the same native module', async () => {
  // Hot reloaders clear index.js from the cache: the addon stays registered once (as when
  // require() opened it), so the classes of every object it makes are those index.js exports.
  // The new load stays in the cache: its error classes are the ones the addon now makes.
  const first = require('..')
  delete require.cache[require.resolve('..')]
  const second = require('..')
  assert.notEqual(second, first)
  assert.equal(second.Client, first.Client)
  const emulator = await second.Emulator.start()
  try {
    assert.ok(emulator instanceof second.Emulator)
    const client = new second.Client({ token: emulator.token, baseUrl: emulator.baseUrl, maxRetries: 0 })
    assert.ok(Array.isArray((await client.dialTimeGroups.list(emulator.userId)).data))
    await assert.rejects(client.dialTimeGroups.list('not-a-uuid'), second.ValidationError)
    // The async methods are wrapped anew with this load's classes: a rejection still gets
    // the caller's frames (the first load's wrappers knew only the first load's classes).
    async function reloadedCaller() {
      await client.dialTimeGroups.delete(emulator.userId, 999)
    }
    await assert.rejects(reloadedCaller(), (e) => {
      assert.ok(e instanceof second.NotFoundError, String(e))
      assert.match(e.stack.split('\n')[1], /^ {4}at async reloadedCaller \(/, e.stack)
      return true
    })
  } finally {
    await emulator.stop()
  }
})

test('index.js loads where `module` is a plain object (Jest, a bundler) through require()', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-plain-')))
  try {
    const file = path.join(dir, 'index.js')
    fs.copyFileSync(path.join(root, 'index.js'), file)
    fs.copyFileSync(path.join(root, 'dialtime.node'), path.join(dir, 'dialtime.node'))
    const source = fs.readFileSync(file, 'utf8')
    const wrapped = new Function('exports', 'require', 'module', '__filename', '__dirname', source)
    const plain = { exports: {} }
    wrapped(plain.exports, require('node:module').createRequire(file), plain, file, dir)
    const dialtime = plain.exports
    assert.equal(dialtime.VERSION, main.version)
    assert.throws(() => dialtime.validate({}), dialtime.ValidationError)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('index.js loads on a Node without process.getBuiltinModule (18 to 20.15)', () => {
  // index.js takes fs and path from process.getBuiltinModule where it exists, else require().
  const { spawnSync } = require('node:child_process')
  const script =
    'process.getBuiltinModule = undefined; const d = require(process.argv[1]); ' +
    'try { d.validate({}) } catch (e) { if (!(e instanceof d.ValidationError)) throw e } ' +
    'process.stdout.write(d.VERSION)'
  const child = spawnSync(process.execPath, ['-e', script, root], { encoding: 'utf8' })
  assert.equal(child.stderr, '')
  assert.equal(child.status, 0)
  assert.equal(child.stdout, main.version)
})

test('two registrations of the addon in one environment keep one completion queue each', async () => {
  // Clearing the addon from the cache too (decache) registers it again in this environment, as
  // an environment of its own: calls through either registration settle, in flight on both at
  // once and alternating, and each registration makes one threadsafe function, not one per
  // switch.
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dialtime-twice-')))
  try {
    fs.copyFileSync(path.join(root, 'index.js'), path.join(dir, 'index.js'))
    fs.copyFileSync(path.join(root, 'dialtime.node'), path.join(dir, 'dialtime.node'))
    let native
    const load = () => {
      const d = require(path.join(dir, 'index.js'))
      native = require.cache[path.join(dir, 'dialtime.node')].exports
      delete require.cache[path.join(dir, 'index.js')]
      delete require.cache[path.join(dir, 'dialtime.node')]
      return d
    }
    const loads = [load(), load()]
    assert.notEqual(loads[0].Emulator, loads[1].Emulator, 'two registrations')
    const before = native.__bridgesMadeForTests()
    for (let i = 0; i < 6; i++) {
      // Emulator.start is a static method: it runs in the environment of its registration.
      const emulators = await Promise.all([loads[0].Emulator.start(), loads[1].Emulator.start()])
      await Promise.all(emulators.map((e) => e.stop()))
      await (await loads[i % 2].Emulator.start()).stop()
    }
    assert.ok(native.__bridgesMadeForTests() - before <= 2, `${native.__bridgesMadeForTests() - before} made`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

// glibc gives a library loaded by dlopen() static TLS from a small reserve shared by every
// library of the process; once it is spent, dlopen() fails ("cannot allocate memory in static
// TLS block"). The addon asks for none: mimalloc is built with local_dynamic_tls.
test('the addon needs no static TLS', { skip: process.platform !== 'linux' }, () => {
  const elf = fs.readFileSync(path.join(root, 'dialtime.node'))
  assert.equal(elf.readUInt32BE(0), 0x7f454c46, 'an ELF file')
  const phoff = Number(elf.readBigUInt64LE(0x20))
  const phentsize = elf.readUInt16LE(0x36)
  const phnum = elf.readUInt16LE(0x38)
  const PT_DYNAMIC = 2
  const DT_FLAGS = 30n
  const DF_STATIC_TLS = 0x10n
  let flags = null
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize
    if (elf.readUInt32LE(ph) !== PT_DYNAMIC) continue
    const offset = Number(elf.readBigUInt64LE(ph + 8))
    const size = Number(elf.readBigUInt64LE(ph + 0x20))
    for (let d = offset; d + 16 <= offset + size; d += 16) {
      if (elf.readBigUInt64LE(d) === DT_FLAGS) flags = elf.readBigUInt64LE(d + 8)
    }
  }
  assert.notEqual(flags, null, 'DT_FLAGS present (BIND_NOW)')
  assert.equal(flags & DF_STATIC_TLS, 0n, 'DF_STATIC_TLS set')
})

// Nothing in JavaScript can subscribe to Rust's `tracing` or `log`: a release build compiles
// out the events of reqwest, hyper-util and h2 (Cargo.toml), whose callsites made a fifth of the
// relocations the dynamic loader applied at every load. A callsite is named
// "event <file>.rs:<line>"; debug builds (with a symbol table) keep them.
test('the release addon carries no tracing callsites', { skip: process.platform !== 'linux' }, (t) => {
  const elf = fs.readFileSync(path.join(root, 'dialtime.node'))
  const shoff = Number(elf.readBigUInt64LE(0x28))
  const shentsize = elf.readUInt16LE(0x3a)
  const shnum = elf.readUInt16LE(0x3c)
  const shstrndx = elf.readUInt16LE(0x3e)
  const strtab = Number(elf.readBigUInt64LE(shoff + shstrndx * shentsize + 0x18))
  const names = []
  for (let i = 0; i < shnum; i++) {
    const at = strtab + elf.readUInt32LE(shoff + i * shentsize)
    names.push(elf.toString('latin1', at, elf.indexOf(0, at)))
  }
  assert.ok(names.includes('.text'), 'section names read')
  if (names.includes('.symtab')) return t.skip('not a release build (it has a symbol table)')
  const callsites = elf.toString('latin1').match(/event \/?[^\0\s]{1,400}?\.rs:\d+/g) ?? []
  assert.deepEqual(callsites.slice(0, 3), [], `${callsites.length} tracing callsites`)
})
