"""Test helpers: the dialtime emulator, in-process, on 127.0.0.1.

    from dialtime.testing import Emulator

    with Emulator() as emu:
        client = dialtime.Client(emu.token, base_url=emu.base_url)
        client.dial_time_groups.create(emu.user_id, ...)
"""

from ._native import Emulator

__all__ = ["Emulator"]
