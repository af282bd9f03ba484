// Save the documented dial time group against the in-process emulator, with every type
// checked: `tsc -p examples --noEmit` (strict) runs in `make test`.
import { Client, Emulator, ValidationError, RateLimitError, type DialTimeGroup, type NewDialTimeGroup } from 'dialtime'

const group: NewDialTimeGroup = {
  name: '周一周三拨打',
  content: [
    { week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }, { begin_time: '20:30', end_time: '22:00' }] },
    { week: 3, times: [{ begin_time: '08:00', end_time: '12:00' }, { begin_time: '20:30', end_time: '22:00' }] },
  ],
  is_default: true,
  skip_holiday: true,
}

async function main(): Promise<void> {
  const emu = await Emulator.start()
  try {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl, timeoutMs: 5000 })
    const saved: DialTimeGroup = await client.dialTimeGroups.create(emu.userId, group)
    console.log(`saved ${saved.name} with id ${saved.id} at ${saved.created_at_text}`)
    try {
      await client.dialTimeGroups.create(emu.userId, { ...group, name: '' })
    } catch (e) {
      if (e instanceof ValidationError) {
        for (const p of e.problems) console.log(`refused before sending: ${p.path}: ${p.message}`)
      } else if (e instanceof RateLimitError) {
        console.log(`retry after ${e.retryAfterMs ?? 1000} ms`)
      } else {
        throw e
      }
    }
  } finally {
    await emu.stop()
  }
}

void main()
