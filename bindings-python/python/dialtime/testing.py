"""Test helpers: the dialtime emulator, in-process, on 127.0.0.1.

    from dialtime.testing import Emulator

    with Emulator(groups=[...], sub_users=[...]) as emu:
        client = dialtime.Client(emu.token, base_url=emu.base_url)
        client.dial_time_groups.create(emu.user_id, ...)
        (request,) = emu.requests            # what was sent: method, path, query, body, ...
        with emu.fault(status=503, times=2):  # removed at the end of the block
            ...

With pytest, the fixtures ``dialtime_emulator``, ``dialtime_client`` and
``dialtime_async_client`` come with the wheel (see ``dialtime.pytest_plugin``).
"""

from ._native import Emulator, RecordedRequest, ScopedFault

__all__ = ["Emulator", "RecordedRequest", "ScopedFault"]
