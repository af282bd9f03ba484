"""Save the documented dial time group, synchronously and with asyncio, against the in-process
emulator. Type-checked with `mypy --strict` by `make test`.

    python examples/quickstart.py
"""

from __future__ import annotations

import asyncio

import dialtime
from dialtime.testing import Emulator

# Monday and Wednesday, 08:00–20:00 and 20:30–22:00 (Wednesday morning only).
CONTENT: list[dialtime.DaySchedule] = [
    dialtime.DaySchedule(
        week=1,
        times=[dialtime.TimeRange("08:00", "20:00"), dialtime.TimeRange("20:30", "22:00")],
    ),
    dialtime.DaySchedule(
        week=3,
        times=[dialtime.TimeRange("08:00", "12:00"), dialtime.TimeRange("20:30", "22:00")],
    ),
]


def save(emu: Emulator) -> dialtime.DialTimeGroup:
    with dialtime.Client(emu.token, base_url=emu.base_url) as client:
        return client.dial_time_groups.create(
            emu.user_id,
            name="周一周三拨打",
            content=CONTENT,
            is_default=True,
            skip_holiday=True,
        )


async def save_async(emu: Emulator) -> dialtime.DialTimeGroup:
    async with dialtime.AsyncClient(emu.token, base_url=emu.base_url) as client:
        return await client.dial_time_groups.create(
            emu.user_id,
            name="工作日白天",
            content=[{"week": d, "times": [{"begin_time": "09:00", "end_time": "18:00"}]} for d in range(1, 6)],
            is_default=False,
            skip_holiday=True,
        )


def main() -> None:
    with Emulator() as emu:
        group = save(emu)
        print(f"saved {group.name!r} with id {group.id} at {group.created_at}")
        other = asyncio.run(save_async(emu))
        print(f"saved {other.name!r} with id {other.id}, {len(other.content)} days")
        try:
            dialtime.validate({"name": "", "content": [], "is_default": True, "skip_holiday": False})
        except dialtime.ValidationError as e:
            for path, message in e.problems:
                print(f"refused before sending: {path}: {message}")


if __name__ == "__main__":
    main()
