"""The code under test: gives an account the company's standard dial time group."""

import dialtime

WORKDAYS = {
    "name": "工作日白天",
    "content": [{"week": d, "times": [{"begin_time": "09:00", "end_time": "18:00"}]} for d in range(1, 6)],
    "is_default": True,
    "skip_holiday": True,
}


def install(client: dialtime.Client, user_id: str) -> int:
    group, _outcome = client.dial_time_groups.ensure(user_id, **WORKDAYS)
    return group.id
