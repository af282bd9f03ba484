// Latency of one create against the in-process emulator: dialtime vs Node's own HTTP clients
// (fetch, which is undici, and http.request with a keep-alive agent), same payload, sequential
// awaits, median of 5 rounds. `make bench` runs it after the Rust and Python benches.
import http from 'node:http'
import { Client, Emulator } from 'dialtime'

const CALLS = Number(process.argv[2] ?? 2000)
const ROUNDS = 5
const PAYLOAD = {
  name: '周一周三拨打',
  content: [
    { week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }, { begin_time: '20:30', end_time: '22:00' }] },
    { week: 3, times: [{ begin_time: '08:00', end_time: '12:00' }, { begin_time: '20:30', end_time: '22:00' }] },
  ],
  is_default: false,
  skip_holiday: true,
}

const emu = await Emulator.start()
const url = `${emu.baseUrl}/agent-api/user/${emu.userId}/dial-time-group`
const headers = { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json', accept: 'application/json' }
const client = new Client({ token: emu.token, baseUrl: emu.baseUrl })
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const runners = {
  'dialtime Client': () => client.dialTimeGroups.create(emu.userId, PAYLOAD),
  'fetch (undici)': async () => (await fetch(url, { method: 'POST', headers, body: JSON.stringify(PAYLOAD) })).json(),
  'http.request (keep-alive)': () => post(JSON.stringify(PAYLOAD)),
}

async function perCall(run, n) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await run()
  return Number(process.hrtime.bigint() - start) / n / 1000
}

const results = Object.fromEntries(Object.keys(runners).map((k) => [k, []]))
for (const run of Object.values(runners)) await perCall(run, 100) // warm up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(runners)) results[name].push(await perCall(run, CALLS / ROUNDS))
}
await emu.stop()
agent.destroy()

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(results['fetch (undici)'])
console.log(`one create against the in-process emulator, ${CALLS} calls each (median of ${ROUNDS} rounds):`)
for (const [name, xs] of Object.entries(results)) {
  const us = median(xs)
  console.log(`  ${name.padEnd(26)} ${us.toFixed(1).padStart(7)} µs/call  (${(base / us).toFixed(2)}× the speed of fetch)`)
}
