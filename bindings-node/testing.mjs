// ESM entry of dialtime/testing (the same functions as the CommonJS one).
import testing from './testing.js'

export const { withEmulator, clientFor, Emulator } = testing
export default testing
