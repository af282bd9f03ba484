// dialtime/testing: an emulator and a client bound to it, for node:test, Jest or Vitest.
import type { Client, ClientOptions, EmulatorOptions, Logger } from './index'
import { Emulator } from './index'

export { Emulator }

/** What `withEmulator` hands to its function. */
export interface EmulatorContext {
  emulator: Emulator
  client: Client
}

/**
 * Starts an emulator (with `options`, as `Emulator.start`), runs `fn({ emulator, client })` and
 * stops the emulator however `fn` ends; resolves to what `fn` returns.
 *
 * ```js
 * test('saves the group', () => withEmulator(async ({ emulator, client }) => {
 *   await saveStandardGroups(client, emulator.userId)
 *   assert.equal(emulator.requests()[0].body.name, '工作日白天')
 * }))
 * ```
 */
export function withEmulator<T>(fn: (context: EmulatorContext) => T | Promise<T>): Promise<T>
export function withEmulator<T>(
  options: EmulatorOptions | undefined,
  fn: (context: EmulatorContext) => T | Promise<T>,
): Promise<T>

/** A client for `emulator`: its token, base URL and (for HTTPS) CA, plus `options`. */
export function clientFor(emulator: Emulator, options?: ClientOptions & { logger?: Logger }): Client
