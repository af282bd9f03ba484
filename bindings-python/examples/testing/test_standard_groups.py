# No conftest: the fixtures come with the dialtime wheel (its pytest plugin).
import pytest

import dialtime
import standard_groups
from dialtime.testing import Emulator


def test_install_saves_the_group_once(dialtime_client: dialtime.Client, dialtime_emulator: Emulator) -> None:
    first = standard_groups.install(dialtime_client, dialtime_emulator.user_id)
    again = standard_groups.install(dialtime_client, dialtime_emulator.user_id)
    assert first == again
    writes = [r for r in dialtime_emulator.requests if r.method != "GET"]
    assert [(r.method, r.body["name"]) for r in writes] == [("POST", "工作日白天")]
    assert writes[0].body["skip_holiday"] is True


@pytest.mark.dialtime_emulator(groups=[standard_groups.as_payload()])
def test_install_keeps_an_existing_group(dialtime_client: dialtime.Client, dialtime_emulator: Emulator) -> None:
    assert standard_groups.install(dialtime_client, dialtime_emulator.user_id) == 1
    assert all(r.method == "GET" for r in dialtime_emulator.requests)


def test_install_survives_a_short_outage(dialtime_client: dialtime.Client, dialtime_emulator: Emulator) -> None:
    with dialtime_emulator.fault(status=503, times=1):
        assert standard_groups.install(dialtime_client, dialtime_emulator.user_id) == 1
    with dialtime_emulator.fault(status=503, times=10):
        with pytest.raises(dialtime.ServerError):
            standard_groups.install(dialtime_client, dialtime_emulator.user_id)
