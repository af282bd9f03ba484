// CommonJS: node examples/quickstart.cjs
const { Client, Emulator, ValidationError } = require('dialtime')

async function main() {
  const emu = await Emulator.start() // your tests: the emulator; production: new Client()
  const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
  const group = await client.dialTimeGroups.create(emu.userId, {
    name: '周一周三拨打',
    content: [{ week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }] }],
    is_default: true,
    skip_holiday: true,
  })
  console.log('saved', group)
  try {
    await client.dialTimeGroups.create(emu.userId, { name: '', content: [], is_default: true, skip_holiday: false })
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    console.log(e.problems)
  }
  await emu.stop()
}

main()
