# Type-checked by tests/test_typing.py: mypy --strict must flag the forgotten await.
import dialtime


async def main(client: dialtime.AsyncClient) -> None:
    client.dial_time_groups.create(
        "5832d184-dd53-42a0-8ace-0bf8d660f4cc",
        name="x",
        content=[],
        is_default=False,
        skip_holiday=False,
    )
