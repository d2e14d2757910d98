"""Every backend reads a 429's ``Retry-After`` as seconds or as an HTTP date (through
:func:`cmsbridge.http.parse_retry_after`), so the retry policy waits what the server asked."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest

from cmsbridge.errors import RateLimitedError
from tests.hostile_server import HostileServer, json_reply
from tests.test_http_boundary import READ_OK, Reader, read


def in_an_hour() -> str:
    return email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), usegmt=True)


@pytest.mark.parametrize("retry_after", ["90", "date"])
@pytest.mark.parametrize(("name", "make"), [(name, make) for name, make, _ in READ_OK])
def test_retry_after_in_seconds_or_as_a_date(name: str, make: Reader, retry_after: str) -> None:
    value = in_an_hour() if retry_after == "date" else retry_after
    expected = 3600.0 if retry_after == "date" else 90.0
    answer = json_reply({"code": "slow_down", "message": "later"}, 429, **{"Retry-After": value})
    with HostileServer(answer) as server, pytest.raises(RateLimitedError) as info:
        read(make(server, {"timeout": 5.0}))
    assert info.value.retry_after is not None
    assert expected - 60 < info.value.retry_after <= expected
