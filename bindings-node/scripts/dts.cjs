'use strict'
// Completes the index.d.ts that `napi build --dts` writes: a class the addon makes only
// through factories (Calendar.china(), Emulator.start(), client.dialTimeGroups) has no
// constructor in Rust, and napi-rs then declares none, which TypeScript reads as a public
// `new Calendar()` that throws at run time. Such classes get `private constructor()`, so
// `new` on them is a compile error. (napi-rs has no private constructors: napi.rs, Class.)
// usage: node scripts/dts.cjs index.d.ts   (rewrites the file in place; idempotent)
const fs = require('node:fs')

function complete(text) {
  const lines = text.split(/\r?\n/)
  const out = []
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i])
    // The addon's classes only: the error classes of errors.d.ts extend Error.
    if (!/^export declare class \w+ \{$/.test(lines[i])) continue
    let end = i + 1
    while (end < lines.length && lines[end] !== '}') end++
    const body = lines.slice(i + 1, end)
    if (!body.some((l) => /^ {2}(private )?constructor\(/.test(l))) out.push('  private constructor()')
  }
  return out.join('\n')
}

const file = process.argv[2]
fs.writeFileSync(file, complete(fs.readFileSync(file, 'utf8')))
