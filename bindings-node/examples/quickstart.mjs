// ESM: node examples/quickstart.mjs
import { Client, Emulator } from 'dialtime'

const emu = await Emulator.start()
const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
const group = await client.dialTimeGroups.create(emu.userId, {
  name: '工作日白天',
  content: [1, 2, 3, 4, 5].map((week) => ({ week, times: [{ begin_time: '09:00', end_time: '18:00' }] })),
  is_default: false,
  skip_holiday: true,
})
console.log(`saved ${group.name} with id ${group.id}`)
await emu.stop()
