'use strict'
// Finds the native addon: a local build next to this file (`napi build`, a checkout), else the
// per-platform package npm installed as an optional dependency (dialtime-linux-x64-gnu, …).
// Where npm, pnpm and yarn's node_modules put that package, the addon is found by its path, a
// stat or two: resolving the package by name costs about 0.2 ms of require() time, and stays
// the fallback for any other layout (Yarn Plug'n'Play, …).
const fs = require('node:fs')
const path = require('node:path')

// musl's dynamic loader has one name per architecture (glibc systems have none of them).
const MUSL_LOADER = { x64: '/lib/ld-musl-x86_64.so.1', arm64: '/lib/ld-musl-aarch64.so.1' }

function isMusl(arch = process.arch) {
  const loader = MUSL_LOADER[arch]
  return loader !== undefined && fs.existsSync(loader)
}

/** The package name for this platform, or null when dialtime is not built for it. */
function platformPackage(platform = process.platform, arch = process.arch, musl = isMusl) {
  const suffix = {
    'linux-x64': () => (musl(arch) ? 'linux-x64-musl' : 'linux-x64-gnu'),
    'linux-arm64': () => (musl(arch) ? 'linux-arm64-musl' : 'linux-arm64-gnu'),
    'darwin-x64': () => 'darwin-x64',
    'darwin-arm64': () => 'darwin-arm64',
    'win32-x64': () => 'win32-x64-msvc',
  }[`${platform}-${arch}`]
  return suffix ? `dialtime-${suffix()}` : null
}

function load(musl = isMusl) {
  const local = path.join(__dirname, 'dialtime.node')
  if (fs.existsSync(local)) return require(local)
  const pkg = platformPackage(process.platform, process.arch, musl)
  if (pkg === null) {
    throw new Error(
      `dialtime has no native build for ${process.platform}-${process.arch} ` +
        '(built for linux x64/arm64 glibc and musl, macOS x64/arm64, Windows x64)',
    )
  }
  // npm installs the package of the system's libc (its `libc` field): where the guess by
  // musl's loader file is wrong (a glibc system with musl installed), the other one is found.
  const other = pkg.endsWith('-gnu') ? pkg.replace(/-gnu$/, '-musl') : pkg.replace(/-musl$/, '-gnu')
  for (const name of other === pkg ? [pkg] : [pkg, other]) {
    // The package's own node_modules, then its siblings': the order of Node's resolution.
    const file = `dialtime.${name.slice('dialtime-'.length)}.node`
    for (const dir of [path.join(__dirname, 'node_modules'), path.dirname(__dirname)]) {
      const addon = path.join(dir, name, file)
      if (fs.existsSync(addon)) return require(addon)
    }
  }
  try {
    return require(pkg)
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg)) {
      const { version } = require('./package.json')
      throw new Error(
        `dialtime: the native package ${pkg} for this platform is not installed. npm installs ` +
          'it as an optional dependency: reinstall without --omit=optional / --no-optional, ' +
          `and on the machine that runs the code (not copied from another platform), or add it: ` +
          `npm install ${pkg}@${version}`,
      )
    }
    throw e
  }
}

module.exports = { load, platformPackage }
