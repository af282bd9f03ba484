'use strict'
// list, listAll, update, delete and ensure against the emulator; the shared list vectors.
const test = require('node:test')
const assert = require('node:assert/strict')
const { DecodeError, NotFoundError, ValidationError } = require('..')
const { vectors, withEmulator, DOCUMENTED } = require('./helpers')

const SUB = '0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e'

test('40 groups over 3 pages, each exactly once', async () => {
  await withEmulator(async (emu, client) => {
    const groups = client.dialTimeGroups
    for (let i = 0; i < 40; i++) await groups.create(emu.userId, { ...DOCUMENTED, name: `g${i}`, is_default: false })
    const first = await groups.list(emu.userId)
    assert.deepEqual(
      [first.data.length, first.currentPage, first.lastPage, first.perPage, first.total, first.hasMore],
      [15, 1, 3, 15, 40, true],
    )
    const third = await groups.list(emu.userId, { page: 3 })
    assert.equal(third.data.length, 10)
    assert.equal(third.hasMore, false)
    const before = emu.requestCount
    const names = []
    for await (const g of groups.listAll(emu.userId)) names.push(g.name)
    assert.deepEqual(names, Array.from({ length: 40 }, (_, i) => `g${i}`))
    assert.equal(emu.requestCount - before, 3)
  })
})

test('the list vectors', async () => {
  await withEmulator(async (emu, client) => {
    for (const c of vectors('list_responses.json').responses) {
      emu.pushFault({ status: 200, body: c.body })
      if (c.error) {
        await assert.rejects(client.dialTimeGroups.list(emu.userId, { page: c.page }), DecodeError, c.name)
        continue
      }
      const page = await client.dialTimeGroups.list(emu.userId, { page: c.page })
      const want = c.result
      assert.deepEqual(page.data.map((g) => g.id), want.ids, c.name)
      assert.deepEqual(
        [page.currentPage, page.lastPage, page.perPage, page.total, page.hasMore],
        [want.current_page, want.last_page, want.per_page, want.total, want.has_more],
        c.name,
      )
    }
  })
})

test('update is partial, the default moves, bad changes are refused', async () => {
  await withEmulator(async (emu, client) => {
    const groups = client.dialTimeGroups
    const a = await groups.create(emu.userId, { ...DOCUMENTED, name: 'A', is_default: true })
    const b = await groups.create(emu.userId, { ...DOCUMENTED, name: 'B', is_default: false })
    const renamed = await groups.update(emu.userId, b.id, { name: 'B2' })
    assert.equal(renamed.name, 'B2')
    assert.deepEqual(renamed.content, b.content)
    const moved = await groups.update(emu.userId, b.id, { name: 'B2', is_default: true })
    assert.equal(moved.is_default, true)
    assert.equal((await groups.update(emu.userId, a.id, { name: 'A' })).is_default, false)
    await assert.rejects(groups.update(emu.userId, a.id, { name: '', is_default: 'yes' }), (e) => {
      assert.ok(e instanceof ValidationError)
      assert.deepEqual(e.problems.map((p) => p.path), ['name', 'is_default'])
      return true
    })
  })
})

test('delete, and not found in every scope', async () => {
  await withEmulator(async (emu, client) => {
    const groups = client.dialTimeGroups
    const main = await groups.create(emu.userId, DOCUMENTED)
    const sub = await groups.create(emu.userId, { ...DOCUMENTED, sub_user_id: SUB })
    await assert.rejects(groups.delete(emu.userId, sub.id), NotFoundError)
    await assert.rejects(groups.delete(emu.userId, main.id, { subUserId: SUB }), NotFoundError)
    await assert.rejects(groups.update(emu.userId, 999, { name: 'x' }), NotFoundError)
    const inSub = []
    for await (const g of groups.listAll(emu.userId, { subUserId: SUB })) inSub.push(g.id)
    assert.deepEqual(inSub, [sub.id])
    assert.equal(await groups.delete(emu.userId, sub.id, { subUserId: SUB }), undefined)
    await groups.delete(emu.userId, main.id)
    assert.deepEqual((await groups.list(emu.userId)).data, [])
  })
})

test('ensure: created, unchanged, updated, and duplicates refused', async () => {
  await withEmulator(async (emu, client) => {
    const groups = client.dialTimeGroups
    const wanted = { ...DOCUMENTED, name: '工作日' }
    const first = await groups.ensure(emu.userId, wanted)
    assert.equal(first.outcome, 'created')
    const again = await groups.ensure(emu.userId, { ...wanted, content: [...wanted.content].reverse() })
    assert.deepEqual([again.outcome, again.group.id], ['unchanged', first.group.id])
    const changed = await groups.ensure(emu.userId, { ...wanted, skip_holiday: false })
    assert.deepEqual([changed.outcome, changed.group.id, changed.group.skip_holiday], ['updated', first.group.id, false])
    await groups.create(emu.userId, wanted)
    await assert.rejects(groups.ensure(emu.userId, wanted), (e) => e instanceof ValidationError && e.message.includes(String(first.group.id)))
  })
})

test('the update and ensure vectors', async () => {
  await withEmulator(async (emu, client) => {
    const groups = client.dialTimeGroups
    const updates = vectors('update_payloads.json')
    for (const c of updates.valid) {
      const saved = await groups.create(emu.userId, DOCUMENTED)
      const updated = await groups.update(emu.userId, saved.id, c.payload)
      for (const [key, value] of Object.entries(c.wire)) assert.deepEqual(updated[key], value, `${c.name}: ${key}`)
      if (!('content' in c.wire)) assert.deepEqual(updated.content, saved.content, `${c.name}: content kept`)
    }
    for (const c of updates.invalid) {
      await assert.rejects(groups.update(emu.userId, 1, c.payload), (e) => {
        assert.ok(e instanceof ValidationError, c.name)
        assert.deepEqual(e.problems.map((p) => p.path), c.problems, c.name)
        return true
      })
    }
  })
  for (const c of vectors('ensure_comparisons.json').cases) {
    await withEmulator(async (emu, client) => {
      await client.dialTimeGroups.create(emu.userId, c.saved)
      const { outcome } = await client.dialTimeGroups.ensure(emu.userId, c.wanted)
      assert.equal(outcome, c.equal ? 'unchanged' : 'updated', c.name)
    })
  }
})
