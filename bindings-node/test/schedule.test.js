'use strict'
// The schedule evaluator from Node: the shared vectors (tests/vectors/schedule.json), Dates in
// and out, the calendar, and the errors.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Schedule, Calendar, CalendarNotCoveredError, ValidationError } = require('..')
const { vectors, withEmulator } = require('./helpers')

function group(c) {
  if (c.days_content) return { content: c.days_content, skip_holiday: c.skip_holiday }
  const times = c.times.map(([a, b]) => ({ begin_time: a, end_time: b }))
  return { content: c.content.map((week) => ({ week, times })), skip_holiday: c.skip_holiday }
}

function schedule(c) {
  const options = { zone: c.zone }
  if (c.makeup_as_weekday !== undefined) options.makeupAs = c.makeup_as_weekday
  if (c.assume_no_holidays) options.assumeNoHolidays = true
  return new Schedule(group(c), options)
}

const ms = (text) => new Date(text).getTime()
const pair = (w) => w && [w.start.getTime(), w.end.getTime()]

for (const c of vectors('schedule.json').cases) {
  test(`schedule vectors: ${c.name}`, () => {
    const s = schedule(c)
    for (const q of c.open ?? []) {
      if (q.error) {
        assert.throws(() => s.isOpenAt(new Date(q.at)), (e) => e instanceof CalendarNotCoveredError && e.year === q.year && e.kind === q.error)
      } else {
        assert.equal(s.isOpenAt(q.at), q.open, `${q.at} (string)`)
        if (!q.at.includes('.')) assert.equal(s.isOpenAt(new Date(q.at)), q.open, `${q.at} (Date)`)
      }
    }
    for (const q of c.next ?? []) {
      if (q.error) {
        assert.throws(() => s.nextWindow(q.at), CalendarNotCoveredError)
        continue
      }
      assert.deepEqual(pair(s.nextWindow(q.at)), q.window && [ms(q.window[0]), ms(q.window[1])], q.at)
      // The first instant the dialer may call: the query's own while open, else the start.
      const allowed = s.nextAllowedInstant(q.at)
      assert.equal(allowed && allowed.getTime(), q.window && Math.max(ms(q.at), ms(q.window[0])), q.at)
    }
    for (const q of c.windows ?? []) {
      assert.deepEqual(s.windows(q.from, q.to).map(pair), q.intervals.map(([a, b]) => [ms(a), ms(b)]))
      assert.equal(s.openDurationMs(new Date(q.from), new Date(q.to)), q.open_seconds * 1000)
    }
    for (const q of c.days ?? []) {
      const day = s.day(q.date)
      assert.equal(day.status, q.status, q.date)
      assert.equal(day.festival, q.festival ?? null)
      assert.deepEqual(day.windows.map((w) => [w.begin_time, w.end_time]), q.windows)
      if (q.windows_of !== undefined) assert.equal(day.windowsOf, q.windows_of)
    }
    if (c.summary) {
      assert.equal(s.summary(), c.summary.zh)
      assert.equal(s.summary('en'), c.summary.en)
    }
  })
}

test('a saved group gives its schedule; instants need an offset', async () => {
  await withEmulator(async (emu, client) => {
    const times = [{ begin_time: '09:00', end_time: '18:00' }]
    const saved = await client.dialTimeGroups.create(emu.userId, {
      name: '工作日', content: [1, 2, 3, 4, 5].map((week) => ({ week, times })), is_default: true, skip_holiday: true,
    })
    const s = new Schedule(saved)
    assert.equal(s.isOpenAt('2026-10-01T10:00:00+08:00'), false)
    const next = s.nextWindow(new Date('2026-10-01T02:00:00Z'))
    assert.ok(next.start instanceof Date)
    assert.equal(next.start.toISOString(), '2026-10-08T01:00:00.000Z')
    assert.equal(s.zone, 'Asia/Shanghai')
    assert.throws(() => s.isOpenAt('2026-10-01 10:00'), TypeError)
    // RFC 3339 offsets stay within a day; a date is exactly YYYY-MM-DD (the core's readers).
    assert.throws(() => s.isOpenAt('2026-10-01T10:00:00+25:00'), (e) => e instanceof TypeError && /±23:59/.test(e.message))
    for (const date of ['20261001', '2026-10-01T10:00', '+002026-10-01']) {
      assert.throws(() => s.day(date), (e) => e instanceof TypeError && /YYYY-MM-DD/.test(e.message), date)
    }
    assert.throws(() => s.isOpenAt(1790820000000), TypeError)
    assert.throws(() => s.isOpenAt(new Date('nope')), /invalid Date/)
  })
})

test('bad content, zones and options are named', () => {
  assert.throws(() => new Schedule({ content: [{ week: 9, times: [] }], skip_holiday: true }), (e) => e instanceof ValidationError && e.problems[0].path === 'content[0].week')
  assert.throws(() => new Schedule({ content: [], skip_holiday: true }, { zone: 'Mars/Olympus' }), /Mars\/Olympus/)
  assert.throws(() => new Schedule({ content: [], skip_holiday: true }, { timezone: 'UTC' }), /unknown option `timezone`/)
  assert.throws(() => new Schedule({ content: [], skip_holiday: true }, { makeupAs: 9 }), (e) => {
    assert.ok(e instanceof ValidationError, String(e))
    assert.deepEqual(e.problems, [{ path: 'makeupAs', message: 'must be an integer from 0 (Sunday) to 6 (Saturday), got 9' }])
    return true
  })
})

test('a calendar year can be added', () => {
  const calendar = Calendar.china()
  assert.deepEqual(calendar.years, [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])
  calendar.loadHolidayCn('{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}')
  assert.equal(calendar.covers(2027), true)
  assert.equal(calendar.status('2027-01-01'), 'off')
  const fridays = { content: [{ week: 5, times: [{ begin_time: '09:00', end_time: '18:00' }] }], skip_holiday: true }
  const s = new Schedule(fridays, { calendar })
  assert.equal(s.isOpenAt('2027-01-01T10:00:00+08:00'), false)
  assert.equal(s.isOpenAt('2027-01-08T10:00:00+08:00'), true)
  assert.throws(() => calendar.loadHolidayCn('nope'), ValidationError)
  assert.throws(() => new Schedule(fridays, { calendar: {} }), /calendar must be a Calendar/)
})

test('instants at the limits of Date do not crash', () => {
  const s = new Schedule({ content: [{ week: 1, times: [{ begin_time: '00:00', end_time: '24:00' }] }], skip_holiday: false }, { zone: 'America/New_York' })
  for (const ms of [8.64e15, -8.64e15, 0]) {
    try {
      s.isOpenAt(new Date(ms))
      s.nextWindow(new Date(ms))
    } catch (e) {
      assert.ok(e instanceof TypeError && /out of range/.test(e.message), e.message)
    }
  }
  assert.throws(() => s.windows(new Date(-8.64e15), new Date(8.64e15)), /out of range|3660 days/)
  assert.throws(() => s.day('2026-02-30'), TypeError)
})

test('openDurationMs is exact for whole milliseconds', () => {
  const always = { content: [0, 1, 2, 3, 4, 5, 6].map((week) => ({ week, times: [{ begin_time: '00:00', end_time: '24:00' }] })), skip_holiday: false }
  const s = new Schedule(always)
  // as_secs_f64() * 1000 gave 68638518019.99999 here (2% of random ranges were off).
  const from = new Date('2025-10-10T01:34:02.158Z')
  const to = new Date('2027-12-13T11:49:20.178Z')
  assert.equal(s.openDurationMs(from, to), to - from)
  for (let i = 0; i < 2000; i++) {
    const a = Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 3e10)
    const b = a + Math.floor(Math.random() * 3e10)
    assert.equal(s.openDurationMs(new Date(a), new Date(b)), b - a)
  }
})

test('a huge argument is quoted in the error cut short, not whole', () => {
  const big = 'x'.repeat(5e6)
  const s = new Schedule({ content: [], skip_holiday: false })
  const cases = [
    () => s.isOpenAt(big),
    () => s.day(big),
    () => Calendar.china().status(big),
    () => Calendar.empty().loadHolidayCn(JSON.stringify([{ name: 'x', date: big, isOffDay: true }])),
    () => new Schedule({ content: [], skip_holiday: false }, { zone: big }),
    () => Calendar.china().covers(1e300),
  ]
  for (const f of cases) {
    assert.throws(f, (e) => {
      assert.ok(e.message.length < 600, `${e.message.length} characters: ${e.message.slice(0, 200)}`)
      assert.ok(/xxxx"…|1e300/.test(e.message), e.message)
      return true
    })
  }
})

test('zone names that are not IANA zones are refused', () => {
  // The host's own zone (differs between machines), the zoneinfo directory's other files and
  // jiff's UTC by another name.
  for (const zone of ['localtime', 'posixrules', 'Factory', 'Etc/Unknown']) {
    assert.throws(() => new Schedule({ content: [], skip_holiday: false }, { zone }), (e) => e instanceof ValidationError && /zone/.test(e.message), zone)
  }
  assert.equal(new Schedule({ content: [], skip_holiday: false }, { zone: 'Etc/UTC' }).zone, 'Etc/UTC')
})

test('a calendar with data of its own reports it to V8, and takes it back when collected', () => {
  // 300,000 calendars loading a year each held 7.8 GB in a loop: V8 collected them for the
  // size of their JavaScript objects only.
  const { spawnSync } = require('node:child_process')
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', `
    const { Calendar } = require(${JSON.stringify(require('node:path').join(__dirname, '..'))})
    const native = require(${JSON.stringify(require('node:path').join(__dirname, '..', 'dialtime.node'))})
    const external = () => native.__externalMemoryForTests()
    const base = external()
    const shared = Array.from({ length: 10 }, () => Calendar.china())
    const sharing = external() - base
    let own = Array.from({ length: 100 }, () => { const c = Calendar.china(); c.loadHolidayCn('[{"name": "x", "date": "2027-01-01", "isOffDay": true}]'); return c })
    const held = external() - base
    own = null
    global.gc(); global.gc()
    setTimeout(() => { global.gc(); console.log(sharing, held, external() - base, shared.length) }, 50)
  `], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const [sharing, held, left] = r.stdout.trim().split(' ').map(Number)
  assert.equal(sharing, 0, 'the built-in data is shared, not held by each calendar')
  assert.ok(held >= 100 * 12_000, `${held} bytes reported for 100 calendars`)
  assert.ok(left < 10 * 12_000, `${left} bytes still reported after they were collected`)
})

test('Calendar.china and Calendar.empty work unbound, as any static function', () => {
  // napi-rs's factories made the instance from `this`: `const { china } = Calendar; china()`
  // threw "Failed to create instance of class `china`".
  const { china, empty } = Calendar
  assert.ok(china() instanceof Calendar)
  assert.deepEqual(china().years, Calendar.china().years)
  const made = ['a', 'b'].map(Calendar.empty)
  assert.ok(made.every((c) => c instanceof Calendar && c.years.length === 0))
  assert.equal(empty().constructor, Calendar)
})
