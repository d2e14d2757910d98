"""Secrets are scrubbed in one place (cmsbridge.errors.scrub) from every message, log line and stored
error: URL passwords of any characters, echoed Authorization headers, registered secrets, and short
secrets only as whole tokens."""

from __future__ import annotations

import base64
import html
import json
import logging
from collections.abc import Callable
from urllib.parse import quote

import pytest

from cmsbridge import errors
from cmsbridge.backends.base import Transport
from cmsbridge.backends.wordpress_rest import WordPressREST
from cmsbridge.errors import CMSBridgeError, ConfigError, redact_url
from tests.hostile_server import HostileServer, Reply, json_reply


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


@pytest.mark.parametrize(
    "form",
    [
        "pct",
        "pct-keeping-slash",
        "pct-lower-case",
        "json-escaped-slash",
        "json-ascii",
        "html",
        "xml-text",
    ],
)
def test_a_registered_secret_is_redacted_as_a_server_or_protocol_escapes_it(form: str) -> None:
    secret = "s3cr/et+pa ss&wörd"
    errors.register_secret(secret)
    escaped = {
        "pct": quote(secret, safe=""),
        "pct-keeping-slash": quote(secret),
        "pct-lower-case": quote(secret, safe="").lower(),
        "json-escaped-slash": json.dumps(secret, ensure_ascii=False).replace("/", "\\/"),
        "json-ascii": json.dumps(secret),
        "html": html.escape(secret),
        "xml-text": f"<string>{html.escape(secret, quote=False)}</string>",
    }[form]
    assert "ss" in escaped and "et" in escaped
    text = errors.scrub(f"server said: {escaped} (end)")
    assert "s3cr" not in text and "rd" not in text.split("said:")[1].split("(end)")[0], text
    assert text.startswith("server said: ") and text.endswith(" (end)")


SERVER_SECRET = "s3cret&pass  word<x>"  # tags, two spaces and an entity: what stripping would change


@pytest.mark.parametrize(
    "answer",
    [
        # an HTML error page: the snippet cuts the text at 120 characters, in the middle of the password
        lambda: Reply(
            502, ("<p>" + "x" * 110 + SERVER_SECRET + "</p>").encode(), {"Content-Type": "text/html"}
        ),
        # WordPress's error shape, whose message has its tags removed (and the password holds one)
        lambda: json_reply({"code": "echo", "message": f"you sent {SERVER_SECRET}"}, 500),
    ],
    ids=["cut-html-page", "tags-in-message"],
)
def test_a_secret_echoed_by_a_server_is_scrubbed_before_the_answer_is_cut_or_stripped(
    answer: Callable[[], Reply],
) -> None:
    with HostileServer(answer()) as server, pytest.raises(CMSBridgeError) as caught:
        WordPressREST(server.url, "editor", SERVER_SECRET, api="wp-json", transport=Transport()).get("7")
    for text in (str(caught.value), repr(caught.value)):
        assert "s3cre" not in text and "pass" not in text, text
