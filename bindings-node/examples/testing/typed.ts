// Type-checked by `make test` (tsc -p examples): dialtime/testing's declarations in use.
import { withEmulator, clientFor, type EmulatorContext } from 'dialtime/testing'
import type { RecordedRequest, ScopedFault } from 'dialtime'

export async function postedNames(): Promise<string[]> {
  return withEmulator({ requestLogLimit: 100 }, async ({ emulator, client }: EmulatorContext) => {
    const other = clientFor(emulator, { maxRetries: 0 })
    await other.dialTimeGroups.list(emulator.userId)
    const outage: ScopedFault = emulator.fault({ status: 503 })
    outage.remove()
    await emulator.withFault({ status: 503, times: 1 }, () => client.dialTimeGroups.list(emulator.userId))
    const log: RecordedRequest[] = emulator.requests()
    return log.filter((r) => r.method === 'POST').map((r) => String((r.body as { name: string }).name))
  })
}
