// One Node client for bench/run.py: `node node_clients.mjs CLIENT MODE`.
//
// CLIENT is dialtime, undici (undici.request), fetch (Node's built-in), axios or http
// (http.request with a keep-alive agent); MODE is seq (one call at a time) or conc
// (BENCH_CONC in flight). Every client builds the payload, serializes it, POSTs it over
// kept-alive connections, checks the answer, parses the JSON and reads the id. Prints
// `RESULT <client> <mode> <µs per call>`. Peers load from BENCH_NODE_MODULES.
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'

const [client, mode] = process.argv.slice(2)
const env = process.env
const N = Number(env.BENCH_N ?? 5000)
const CONC = mode === 'conc' ? Number(env.BENCH_CONC ?? 64) : 1
const WARMUP = Math.min(500, Math.max(Math.floor(N / 10), 1))
const URL_ = `${env.BENCH_URL}/agent-api/user/${env.BENCH_USER}/dial-time-group`
const HEADERS = { authorization: `Bearer ${env.BENCH_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' }
const peers = createRequire(path.join(env.BENCH_NODE_MODULES ?? '.', 'noop.js'))

const payload = () => ({
  name: '周一周三拨打',
  content: [
    { week: 1, times: [{ begin_time: '08:00', end_time: '20:00' }, { begin_time: '20:30', end_time: '22:00' }] },
    { week: 3, times: [{ begin_time: '08:00', end_time: '12:00' }, { begin_time: '20:30', end_time: '22:00' }] },
  ],
  is_default: false,
  skip_holiday: true,
})

function checked(answer) {
  if (answer.code !== 200 || !(answer.data.id > 0)) throw new Error(`unexpected answer ${JSON.stringify(answer)}`)
}

async function makeCall() {
  switch (client) {
    case 'dialtime': {
      const { Client } = peers(env.BENCH_DIALTIME_NODE)
      const groups = new Client({ token: env.BENCH_TOKEN, baseUrl: env.BENCH_URL, maxRetries: 0 }).dialTimeGroups
      return async () => {
        if (!((await groups.create(env.BENCH_USER, payload())).id > 0)) throw new Error('bad id')
      }
    }
    case 'undici': {
      const { request } = peers('undici') // its global Agent keeps connections alive
      return async () => {
        const r = await request(URL_, { method: 'POST', headers: HEADERS, body: JSON.stringify(payload()) })
        if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`)
        checked(await r.body.json())
      }
    }
    case 'fetch':
      return async () => {
        const r = await fetch(URL_, { method: 'POST', headers: HEADERS, body: JSON.stringify(payload()) })
        if (!r.ok) throw new Error(`HTTP ${r.status}`)
        checked(await r.json())
      }
    case 'axios': {
      const axios = peers('axios')
      const session = axios.create({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONC }) })
      return async () => checked((await session.post(URL_, payload(), { headers: HEADERS })).data)
    }
    case 'http': {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONC })
      return () =>
        new Promise((resolve, reject) => {
          const req = http.request(URL_, { method: 'POST', headers: HEADERS, agent }, (res) => {
            const chunks = []
            res.on('data', (c) => chunks.push(c))
            res.on('end', () => {
              try {
                checked(JSON.parse(Buffer.concat(chunks).toString('utf8')))
                resolve()
              } catch (e) {
                reject(e)
              }
            })
          })
          req.on('error', reject)
          req.end(JSON.stringify(payload()))
        })
    }
    default:
      throw new Error(`unknown client ${client}`)
  }
}

const call = await makeCall()
for (let i = 0; i < WARMUP; i++) await call()
let left = N
const worker = async () => {
  while (left-- > 0) await call()
}
const start = process.hrtime.bigint()
await Promise.all(Array.from({ length: CONC }, worker))
const seconds = Number(process.hrtime.bigint() - start) / 1e9
console.log(`RESULT ${client} ${mode} ${((seconds / N) * 1e6).toFixed(2)}`)
process.exit(0)
