"""What the stubs must not promise (each line below fails at run time): mypy flags each."""

from __future__ import annotations

from typing import Hashable

import dialtime


def uses(problem: dialtime.Problem, group: dialtime.DialTimeGroup) -> None:
    print(problem.path, problem.message)  # fine: both exist
    problem._asdict()  # a tuple with two names, not a NamedTuple
    key: Hashable = group  # frozen but unhashable (a set or dict key raises TypeError)
