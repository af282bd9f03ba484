"""dialtime.testing.Emulator: the in-process emulator users test their own code against."""

from __future__ import annotations

import json
import urllib.request

import pytest

import dialtime
from conftest import DOCUMENTED
from dialtime.testing import Emulator


def test_serves_the_api_on_loopback():
    with Emulator(token="my-test-token", user_id="5832d184-dd53-42a0-8ace-0bf8d660f4cc") as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.token == "my-test-token"
        assert emu.user_id == "5832d184-dd53-42a0-8ace-0bf8d660f4cc"
        with urllib.request.urlopen(emu.base_url + "/_emulator/health") as answer:
            assert answer.status == 200
        client = dialtime.Client(emu.token, base_url=emu.base_url)
        assert client.dial_time_groups.create(emu.user_id, **DOCUMENTED).user_id == emu.user_id
        assert emu.request_count == 1  # API requests; the health check is not counted
        assert "my-test-token" not in repr(emu)


def test_stop_is_idempotent_and_frees_the_port():
    emu = Emulator()
    url = emu.base_url
    emu.stop()
    emu.stop()
    with pytest.raises(dialtime.ConfigError):
        emu.push_fault(status=500)
    with pytest.raises(dialtime.APIConnectionError):
        dialtime.Client("t", base_url=url, max_retries=0).dial_time_groups.create(
            "5832d184-dd53-42a0-8ace-0bf8d660f4cc", **DOCUMENTED
        )


def test_faults_apply_in_order_then_clear(emulator):
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=0)
    emulator.push_fault(status=503, times=2)
    for _ in range(2):
        with pytest.raises(dialtime.ServerError):
            client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
    assert client.dial_time_groups.create(emulator.user_id, **DOCUMENTED).id >= 1
    emulator.push_fault(status=500)
    emulator.clear_faults()
    assert client.dial_time_groups.create(emulator.user_id, **DOCUMENTED).id >= 1


def test_unknown_fault_arguments_are_refused(emulator):
    with pytest.raises(TypeError):
        emulator.push_fault(stauts=500)  # type: ignore[call-arg]


def test_faults_over_http_too(emulator):
    request = urllib.request.Request(
        emulator.base_url + "/_emulator/faults",
        data=json.dumps({"status": 404}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()
    with pytest.raises(dialtime.NotFoundError):
        dialtime.Client(emulator.token, base_url=emulator.base_url).dial_time_groups.create(
            emulator.user_id, **DOCUMENTED
        )
