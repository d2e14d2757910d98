"""Secrets are scrubbed in one place (cmsbridge.errors.scrub) from every message, log line and stored
error: URL passwords of any characters, echoed Authorization headers, registered secrets, and short
secrets only as whole tokens."""

from __future__ import annotations

import base64
import logging

import pytest

from cmsbridge import errors
from cmsbridge.errors import CMSBridgeError, ConfigError, redact_url


@pytest.mark.parametrize("password", ["pa/ss", "p@ss/w:rd", "a#b?c/d@e", "x:y:z", "s3cr3t/"])
def test_a_url_password_of_any_characters_is_redacted(password: str) -> None:
    url = f"wordpress+https://editor:{password}@news.example.com/blog"
    for text in (
        redact_url(url),
        errors.scrub(f"cannot reach {url}: refused"),
        str(ConfigError("bad", site=url)),
    ):
        assert password not in text
        assert "editor:***@news.example.com/blog" in text


def test_urls_without_credentials_are_left_alone() -> None:
    for url in ("https://news.example.com/a/b@c", "https://news.example.com/p?q=1#x", "mailto:a@b.example"):
        assert redact_url(url) == url


@pytest.mark.parametrize(
    "echoed",
    [
        "Authorization: Basic {basic}",
        '{{"Authorization": "Basic {basic}"}}',
        "'authorization': 'Ghost eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjF9.c2lnbmF0dXJl'",
        "token eyJhbGciOiJIUzI1NiJ9.eyJpYXQiOjF9.c2lnbmF0dXJl in the log",
        "got Basic {basic} from you",
        "Proxy-Authorization: Bearer abcdef123456",
    ],
)
def test_echoed_authorization_values_are_redacted(echoed: str) -> None:
    basic = base64.b64encode(b"someone:unregistered pass").decode()
    text = errors.scrub(echoed.format(basic=basic))
    assert basic not in text and "eyJ" not in text and "abcdef123456" not in text
    assert "***" in text


def test_words_after_basic_that_are_not_credentials_stay() -> None:
    assert errors.scrub("Basic authentication is disabled") == "Basic authentication is disabled"


def test_a_registered_secret_is_redacted_in_every_form() -> None:
    secret = "abcd EFGH ijkl MNOP"
    errors.register_secret(secret)
    text = errors.scrub(f"sent {secret}, or abcdEFGHijklMNOP, or abcd%20EFGH%20ijkl%20MNOP")
    assert "abcd" not in text and "MNOP" not in text


def test_a_one_letter_secret_is_redacted_only_as_a_whole_token() -> None:
    errors.register_secret("q")
    message = "the quick request was queued; password q rejected ('q')"
    assert errors.scrub(message) == "the quick request was queued; password *** rejected ('***')"
    assert errors.scrub("https://editor:q@host.example/x") == "https://editor:***@host.example/x"


def test_errors_scrub_their_message_code_and_site() -> None:
    errors.register_secret("hunter2-long-secret")
    error = CMSBridgeError(
        "server said hunter2-long-secret", site="https://u:hunter2-long-secret@h.example", code="x"
    )
    assert "hunter2" not in str(error) and "hunter2" not in repr(error) and "hunter2" not in error.message


def test_log_lines_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    errors.register_secret("log-secret-value")
    log = errors.logger("cmsbridge.test_scrub")
    with caplog.at_level(logging.INFO, logger="cmsbridge.test_scrub"):
        log.info("connecting with %s to %s", "log-secret-value", "https://u:pa/ss@h.example/")
    assert caplog.messages == ["connecting with *** to https://u:***@h.example/"]
