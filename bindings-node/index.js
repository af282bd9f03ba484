'use strict'
// dialtime for Node.js: the native module (Rust, napi-rs) plus the error classes.
const errors = require('./errors.js')
const native = require('./binding.js').load()

native.registerErrors(errors.fromNative)

// `for await (const group of client.dialTimeGroups.listAll(userId))`: the cursor's pages are
// fetched by the addon, one `nextGroup()` at a time.
native.GroupCursor.prototype[Symbol.asyncIterator] = async function* groups() {
  for (;;) {
    const group = await this.nextGroup()
    if (group === null) return
    yield group
  }
}

// Scoped faults: `emu.withFault(fault, fn)` removes what `fn` did not use up, however it ends;
// `using outage = emu.fault(...)` does the same where `Symbol.dispose` exists.
native.Emulator.prototype.withFault = async function withFault(fault, fn) {
  if (typeof fn !== 'function') throw new TypeError('withFault(fault, fn): fn must be a function')
  const scoped = this.fault(fault)
  try {
    return await fn()
  } finally {
    scoped.remove()
  }
}
if (typeof Symbol.dispose === 'symbol') {
  native.ScopedFault.prototype[Symbol.dispose] = function dispose() {
    this.remove()
  }
}

const { fromNative, ...errorClasses } = errors

module.exports = {
  Client: native.Client,
  DialTimeGroups: native.DialTimeGroups,
  GroupCursor: native.GroupCursor,
  Emulator: native.Emulator,
  ScopedFault: native.ScopedFault,
  ResponseRecorder: native.ResponseRecorder,
  Schedule: native.Schedule,
  Calendar: native.Calendar,
  Weekday: native.Weekday,
  validate: native.validate,
  errorKinds: native.errorKinds,
  VERSION: native.VERSION,
  ...errorClasses,
}
