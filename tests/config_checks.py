"""The check that a config names the field it rejects (shared by the config tests).

CONTRIBUTING.md: bad input gets an error that names the argument and says what was expected.
"""

from __future__ import annotations

import pytest


def assert_rejected(make, cases) -> None:
    """Each (field, value, error) of `cases`: make(field=value) raises `error` naming `field`."""
    for field, value, error in cases:
        try:
            make(**{field: value})
        except error as err:
            assert field in str(err), f"{field}={value!r}: the message does not name it: {err}"
        else:
            pytest.fail(f"{make.__name__}({field}={value!r}) did not raise {error.__name__}")
