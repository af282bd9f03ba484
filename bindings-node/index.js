'use strict'
// dialtime for Node.js: the native module (Rust, napi-rs) plus the error classes.
const errors = require('./errors.js')
const native = require('./dialtime.node')

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

const { fromNative, ...errorClasses } = errors

module.exports = {
  Client: native.Client,
  DialTimeGroups: native.DialTimeGroups,
  GroupCursor: native.GroupCursor,
  Emulator: native.Emulator,
  Schedule: native.Schedule,
  Calendar: native.Calendar,
  Weekday: native.Weekday,
  validate: native.validate,
  errorKinds: native.errorKinds,
  VERSION: native.VERSION,
  ...errorClasses,
}
