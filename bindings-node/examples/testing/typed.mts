// Type-checked by `make test` (tsc -p examples) as an ES module (.mts, where TypeScript finds
// `dialtime/testing`'s types through package.json's typesVersions): its declarations in use.
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

// Classes made only by factories have no public constructor: `new` is a compile error
// (it threw at run time), the factories are the way.
import { Calendar, Emulator } from 'dialtime'
export function calendars(): Calendar[] {
  // @ts-expect-error: Calendar is made by Calendar.china() / Calendar.empty()
  const made = (): Calendar => new Calendar()
  void made
  return [Calendar.china(), Calendar.empty()]
}
export async function emulatorStarted(): Promise<void> {
  // @ts-expect-error: Emulator is made by Emulator.start()
  const made = (): Emulator => new Emulator()
  void made
  await (await Emulator.start()).stop()
}

// `listAll()`'s cursor is iterated with `for await` (the declaration said it could not be),
// and `clientFor` takes the client's `logger` as `new Client` does.
import type { DialTimeGroup, GroupCursor } from 'dialtime'
export async function everyName(): Promise<string[]> {
  return withEmulator(async ({ emulator }: EmulatorContext) => {
    const quiet = clientFor(emulator, { logger: { debug() {}, info() {} } })
    const cursor: GroupCursor = quiet.dialTimeGroups.listAll(emulator.userId)
    const names: string[] = []
    for await (const group of cursor) names.push((group satisfies DialTimeGroup).name)
    return names
  })
}
