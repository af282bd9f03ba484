"""list, list_all, update, delete and ensure, sync and async, against the emulator; and the
shared list vectors (tests/vectors/list_responses.json)."""

from __future__ import annotations

import asyncio

import pytest

import dialtime
from conftest import DOCUMENTED, vectors

SUB = "0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
LIST_RESPONSES = vectors("list_responses.json")["responses"]


def day(week: int, begin: str = "08:00", end: str = "20:00"):
    return {"week": week, "times": [{"begin_time": begin, "end_time": end}]}


@pytest.fixture
def client(emulator):
    with dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=0) as c:
        yield c


def run(coro_factory, emulator):
    async def main():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url, max_retries=0) as c:
            return await coro_factory(c)

    return asyncio.run(main())


def test_forty_groups_over_three_pages_once_each(client, emulator):
    for i in range(40):
        client.dial_time_groups.create(emulator.user_id, **{**DOCUMENTED, "name": f"g{i}", "is_default": False})
    first = client.dial_time_groups.list(emulator.user_id)
    assert (len(first), first.current_page, first.last_page, first.per_page, first.total, first.has_more) == (15, 1, 3, 15, 40, True)
    third = client.dial_time_groups.list(emulator.user_id, page=3)
    assert len(third.data) == 10 and not third.has_more
    before = emulator.request_count
    names = [g.name for g in client.dial_time_groups.list_all(emulator.user_id)]
    assert names == [f"g{i}" for i in range(40)]
    assert emulator.request_count - before == 3

    async def collect(c):
        return [g.id async for g in c.dial_time_groups.list_all(emulator.user_id)]

    assert run(collect, emulator) == list(range(1, 41))
    page = run(lambda c: c.dial_time_groups.list(emulator.user_id, page=2), emulator)
    assert isinstance(page, dialtime.Page) and page.current_page == 2


@pytest.mark.parametrize("case", LIST_RESPONSES, ids=lambda c: c["name"])
def test_list_vectors(case, client, emulator):
    emulator.push_fault(status=200, body=case["body"])
    if "error" in case:
        with pytest.raises(dialtime.DecodeError):
            client.dial_time_groups.list(emulator.user_id, page=case["page"])
        return
    page = client.dial_time_groups.list(emulator.user_id, page=case["page"])
    want = case["result"]
    assert [g.id for g in page.data] == want["ids"]
    got = (page.current_page, page.last_page, page.per_page, page.total, page.has_more)
    assert got == (want["current_page"], want["last_page"], want["per_page"], want["total"], want["has_more"])


def test_update_is_partial_and_moves_the_default(client, emulator):
    groups = client.dial_time_groups
    a = groups.create(emulator.user_id, **{**DOCUMENTED, "name": "A", "is_default": True})
    b = groups.create(emulator.user_id, **{**DOCUMENTED, "name": "B", "is_default": False})
    renamed = groups.update(emulator.user_id, b.id, name="B2")
    assert renamed.name == "B2" and renamed.content == b.content and not renamed.is_default
    moved = run(lambda c: c.dial_time_groups.update(emulator.user_id, b.id, name="B2", is_default=True,
                                                    content=[dialtime.DaySchedule(week=5, times=[dialtime.TimeRange("9:00", "12:00")])]), emulator)
    assert moved.is_default and moved.content[0].to_dict() == day(5, "09:00", "12:00")
    assert not groups.update(emulator.user_id, a.id, name="A").is_default
    with pytest.raises(dialtime.ValidationError) as info:
        groups.update(emulator.user_id, a.id, name="", content=[day(9)], is_default="yes")
    assert [p for p, _ in info.value.problems] == ["name", "content[0].week", "is_default"]


def test_delete_and_not_found_in_every_scope(client, emulator):
    groups = client.dial_time_groups
    main = groups.create(emulator.user_id, **DOCUMENTED)
    sub = groups.create(emulator.user_id, **{**DOCUMENTED, "sub_user_id": SUB})
    with pytest.raises(dialtime.NotFoundError):
        groups.delete(emulator.user_id, sub.id)
    with pytest.raises(dialtime.NotFoundError):
        groups.delete(emulator.user_id, main.id, sub_user_id=SUB)
    with pytest.raises(dialtime.NotFoundError):
        groups.update(emulator.user_id, 999, name="x")
    assert [g.id for g in groups.list_all(emulator.user_id, sub_user_id=SUB)] == [sub.id]
    assert groups.delete(emulator.user_id, sub.id, sub_user_id=SUB) is None
    assert run(lambda c: c.dial_time_groups.delete(emulator.user_id, main.id), emulator) is None
    assert list(groups.list_all(emulator.user_id)) == []

    async def missing(c):
        with pytest.raises(dialtime.NotFoundError):
            await c.dial_time_groups.delete(emulator.user_id, main.id)

    run(missing, emulator)


def test_ensure_created_unchanged_updated(client, emulator):
    groups = client.dial_time_groups
    wanted = {**DOCUMENTED, "name": "工作日"}
    g1, outcome = groups.ensure(emulator.user_id, **wanted)
    assert outcome == "created"
    reordered = {**wanted, "content": list(reversed(wanted["content"]))}
    g2, outcome = groups.ensure(emulator.user_id, **reordered)
    assert (outcome, g2.id) == ("unchanged", g1.id)
    g3, outcome = run(lambda c: c.dial_time_groups.ensure(emulator.user_id, **{**wanted, "skip_holiday": False}), emulator)
    assert (outcome, g3.id, g3.skip_holiday) == ("updated", g1.id, False)
    assert len(list(groups.list_all(emulator.user_id))) == 1
    groups.create(emulator.user_id, **wanted)
    with pytest.raises(dialtime.ValidationError) as info:
        groups.ensure(emulator.user_id, **wanted)
    assert str(g1.id) in info.value.problems[0][1]


UPDATES = vectors("update_payloads.json")
ENSURE = vectors("ensure_comparisons.json")["cases"]
UPDATE_KEYS = {"name", "content", "is_default", "skip_holiday", "sub_user_id"}


@pytest.mark.parametrize("case", UPDATES["valid"], ids=lambda c: c["name"])
def test_update_vectors_valid(case, client, emulator):
    saved = client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
    updated = client.dial_time_groups.update(emulator.user_id, saved.id, **case["payload"])
    got = updated.to_dict()
    for key, value in case["wire"].items():
        assert got[key] == value, key
    for key in UPDATE_KEYS - set(case["wire"]) - {"sub_user_id"}:
        assert got[key] == saved.to_dict()[key], f"{key} kept"


@pytest.mark.parametrize(
    "case", [c for c in UPDATES["invalid"] if "name" in c["payload"]], ids=lambda c: c["name"]
)
def test_update_vectors_invalid(case, client, emulator):
    with pytest.raises(dialtime.ValidationError) as info:
        client.dial_time_groups.update(emulator.user_id, 1, **case["payload"])
    assert [p for p, _ in info.value.problems] == case["problems"]
    assert emulator.request_count == 0


@pytest.mark.parametrize("case", ENSURE, ids=lambda c: c["name"])
def test_ensure_vectors(case, client, emulator):
    client.dial_time_groups.create(emulator.user_id, **case["saved"])
    _, outcome = client.dial_time_groups.ensure(emulator.user_id, **case["wanted"])
    assert outcome == ("unchanged" if case["equal"] else "updated")
