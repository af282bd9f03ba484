'use strict'
// Stages the main npm package for packing or publishing: the files of package.json's `files`,
// and a package.json that lists every per-platform package (npm/*/package.json) as an optional
// dependency at this version, and the repository's LICENSE. The committed package.json has
// none, so that no install in a checkout asks the registry for them.
// usage: node scripts/stage.cjs OUT_DIR; `node scripts/stage.cjs --license` copies the LICENSE
// into each per-platform package (npm/*/) before those are packed or published.
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

function platformPackages() {
  return fs
    .readdirSync(path.join(root, 'npm'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => JSON.parse(fs.readFileSync(path.join(root, 'npm', d.name, 'package.json'), 'utf8')).name)
    .sort()
}

function stage(out) {
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  for (const file of [...pkg.files.filter((f) => f !== 'dialtime.node'), 'README.md']) {
    fs.copyFileSync(path.join(root, file), path.join(out, file))
  }
  fs.copyFileSync(path.join(root, '..', 'LICENSE'), path.join(out, 'LICENSE'))
  const staged = { ...pkg, optionalDependencies: {} }
  for (const name of platformPackages()) staged.optionalDependencies[name] = pkg.version
  delete staged.devDependencies
  delete staged.scripts
  fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(staged, null, 2) + '\n')
  return staged
}

if (require.main === module && process.argv[2] === '--license') {
  for (const dir of fs.readdirSync(path.join(root, 'npm'), { withFileTypes: true }).filter((d) => d.isDirectory())) {
    fs.copyFileSync(path.join(root, '..', 'LICENSE'), path.join(root, 'npm', dir.name, 'LICENSE'))
  }
} else if (require.main === module) {
  const out = path.resolve(process.argv[2] || path.join(root, '..', 'build', 'npm-main'))
  const staged = stage(out)
  console.log(`staged ${staged.name}@${staged.version} in ${out} (${Object.keys(staged.optionalDependencies).length} platform packages)`)
}

module.exports = { stage, platformPackages }
