'use strict'
// dialtime/testing: an emulator and a client bound to it, for node:test, Jest or Vitest.
const { Client, Emulator } = require('./index.js')

/**
 * Starts an emulator (with `options`, as `Emulator.start`), runs `fn({ emulator, client })`
 * and stops the emulator however `fn` ends; resolves to what `fn` returns.
 */
async function withEmulator(options, fn) {
  if (typeof options === 'function' && fn === undefined) {
    fn = options
    options = undefined
  }
  if (typeof fn !== 'function') {
    throw new TypeError('withEmulator([options,] fn): fn must be a function')
  }
  const emulator = await Emulator.start(options)
  try {
    return await fn({ emulator, client: clientFor(emulator) })
  } finally {
    await emulator.stop()
  }
}

/** A client for `emulator` (its token and base URL, its CA when it serves HTTPS). */
function clientFor(emulator, options) {
  const ca = emulator.caPem
  return new Client({
    token: emulator.token,
    baseUrl: emulator.baseUrl,
    ...(ca ? { rootCertificatesPem: ca } : {}),
    ...options,
  })
}

module.exports = { withEmulator, clientFor, Emulator }
