// Run from a fresh project that installed dialtime (from the folder or the `npm pack`
// tarball): require and import both work, and a create succeeds against the emulator.
const assert = require('node:assert/strict')
const { Client, Emulator, ValidationError } = require('dialtime')
// The installed package has no "exports" map: require() does not make Node load its ESM
// resolver (~1.8 ms; README "Speed").
assert.ok(
  !process.moduleLoadList.includes('NativeModule internal/modules/esm/resolve'),
  "require('dialtime') loaded Node's ESM resolver",
)

async function main() {
  const esm = await import('dialtime')
  assert.equal(esm.Client, Client)
  const emu = await Emulator.start()
  try {
    const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
    const group = await client.dialTimeGroups.create(emu.userId, {
      name: 'installed',
      content: [{ week: 2, times: [{ begin_time: '09:00', end_time: '17:00' }] }],
      is_default: false,
      skip_holiday: true,
    })
    assert.equal(group.id, 1)
    await assert.rejects(client.dialTimeGroups.create('nope', group), ValidationError)
  } finally {
    await emu.stop()
  }
  console.log(`dialtime ${esm.VERSION} works from ${require.resolve('dialtime')}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
