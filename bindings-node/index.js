'use strict'
// dialtime for Node.js: the native module (Rust, napi-rs) plus the error classes.
const errors = require('./errors.js')
const native = require('./dialtime.node')

native.registerErrors(errors.fromNative)

const { fromNative, ...errorClasses } = errors

module.exports = {
  Client: native.Client,
  DialTimeGroups: native.DialTimeGroups,
  Emulator: native.Emulator,
  validate: native.validate,
  VERSION: native.VERSION,
  ...errorClasses,
}
