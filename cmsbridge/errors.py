"""One error hierarchy, rooted at :class:`CMSBridgeError`, and the one place secrets are scrubbed.

Every failure that cmsbridge reports to its caller is one of these. Errors carry context (the post, the
site, the HTTP status, the server's error code) as attributes and in their message; they never carry
secrets: every message is passed through :func:`scrub` when the error is made.

:func:`scrub` removes, from any text: the password of a URL's userinfo (whatever characters it holds),
``Authorization`` header values (``Basic``, ``Bearer``, ``Ghost`` tokens, JWTs) and every secret registered
with :func:`register_secret` (each backend registers its password or key when constructed). A secret
shorter than :data:`SHORT_SECRET` characters is redacted only where it stands as a whole token (between
spaces, quotes or credential punctuation), so a one-letter password does not star every such letter.
Logging goes through :class:`ScrubFilter` (see :func:`logger`).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import logging
import re
import threading
from typing import Any
from urllib.parse import quote, quote_plus

SHORT_SECRET = 8
"""Secrets shorter than this are redacted only as whole tokens."""

_USERINFO = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/\s\"'<>]*)(?::[^\s\"'<>]*)?@(?=[^\s\"'<>@]*(?:[\s\"'<>]|$))",
    re.I,
)
_AUTH_HEADER = re.compile(
    r"(?P<name>(?:proxy-)?authorization)(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?P<value>[^\"'\r\n,;}]+)", re.I
)
_SCHEME_TOKEN = re.compile(r"\b(?P<scheme>Basic|Bearer|Ghost)\s+(?P<token>[A-Za-z0-9._~+/-]{6,}=*)")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_TOKEN_BEFORE = r"(?<![^\s\"'`:=,;(\[{<])"
_TOKEN_AFTER = r"(?![^\s\"'`:@,;)\]}>.!?])"

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register_secret(secret: str | None) -> None:
    """Have :func:`scrub` remove ``secret`` (and its forms without spaces or percent-encoded) from now on."""
    global _pattern
    if not secret:
        return
    forms = {secret, secret.replace(" ", ""), *_escaped_forms(secret)} - {""}
    with _lock:
        if forms <= _secrets:
            return
        _secrets.update(forms)
        alternatives = [
            _form_pattern(form)
            if len(form) >= SHORT_SECRET
            else f"{_TOKEN_BEFORE}{_form_pattern(form)}{_TOKEN_AFTER}"
            for form in sorted(_secrets, key=len, reverse=True)
        ]
        _pattern = re.compile("|".join(alternatives))


def _escaped_forms(secret: str) -> set[str]:
    """How ``secret`` reads once a server or a protocol echoes it: percent-encoded (with or without
    ``/`` kept), as a JSON string (``\\/`` too, ``\\u00e9`` or not), as HTML or XML text."""
    json_forms = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    return {
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        *json_forms,
        *(form.replace("/", "\\/") for form in json_forms),
        html.escape(secret, quote=False),
        html.escape(secret),
    }


def _form_pattern(form: str) -> str:
    """``form`` as a pattern; its percent escapes match in either case (``%2F``, ``%2f``)."""
    return re.sub(
        r"%([0-9A-F])([0-9A-F])",
        lambda m: "%" + "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in m.group(1, 2)),
        re.escape(form),
    )


def redact_url(url: str) -> str:
    """``url`` with the password of any userinfo replaced by ``***`` (the user name kept). Depends on
    nothing but the text, so it may serve as a key (the outbox's sites)."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m["user"] else m["scheme"], url)


def _scheme_token(match: re.Match[str]) -> str:
    token = match["token"]
    if match["scheme"] == "Basic":
        try:
            if b":" not in base64.b64decode(token, validate=True):
                return match[0]
        except (binascii.Error, ValueError):
            return match[0]
    return f"{match['scheme']} ***"


def scrub(text: str) -> str:
    """``text`` without any secret: URL passwords, Authorization values, tokens, registered secrets."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub("***", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m['name']}{m['sep']}***", text)
    text = _SCHEME_TOKEN.sub(_scheme_token, text)
    text = _JWT.sub("***", text)
    return redact_url(text)


class ScrubFilter(logging.Filter):
    """Scrubs every record's rendered message (and drops its arguments, now rendered)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = scrub(record.getMessage())
        except (TypeError, ValueError):  # arguments that do not fit the format: left to the handler
            return True
        record.args = None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = ScrubFilter()


def logger(name: str) -> logging.Logger:
    """The logger ``name`` with :class:`ScrubFilter` attached: what cmsbridge's modules log through."""
    log = logging.getLogger(name)
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
    return log


class CMSBridgeError(Exception):
    """Base of every error cmsbridge raises on purpose (message and context scrubbed of secrets)."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        post: Any = None,
        site: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message = scrub(message)
        self.post = post
        self.site = scrub(site) if site else None
        self.status = status
        self.code = scrub(code) if code else code
        super().__init__(self._render())

    def _render(self) -> str:
        context = []
        if self.site:
            context.append(f"site {self.site}")
        if self.post is not None:
            context.append(f"post {self.post}")
        if self.status is not None:
            context.append(f"HTTP {self.status}")
        if self.code:
            context.append(f"code {self.code}")
        return scrub(f"{self.message} ({', '.join(context)})" if context else self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._render()!r})"


# --- input, formats and configuration -------------------------------------------------------------


class UsageError(CMSBridgeError):
    """The caller asked for something that cannot be done as asked (bad arguments, bad input)."""

    exit_code = 2


class UnknownFormatError(UsageError):
    """A format name that no reader or writer is registered for."""


class ParseError(UsageError):
    """Input that a reader cannot make sense of."""


class ConfigError(UsageError):
    """A site URL, profile or configuration file that is wrong."""


class PluginError(ConfigError):
    """An installed plugin (a ``cmsbridge.formats`` or ``cmsbridge.backends`` entry point) that fails."""


# --- backends --------------------------------------------------------------------------------------


class BackendError(CMSBridgeError):
    """A CMS refused or failed a request."""


class TransientError(BackendError):
    """A failure worth retrying: the same request may succeed later."""


class ConnectionFailedError(TransientError):
    """The CMS could not be reached (refused, reset, DNS)."""


class RequestTimeoutError(TransientError):
    """The CMS did not answer in time; the request may or may not have been applied."""


class ServerError(TransientError):
    """The CMS answered with a 5xx error."""


class RateLimitedError(TransientError):
    """The CMS asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **context)


class AuthenticationError(BackendError):
    """The credentials were refused."""


class PermissionDeniedError(BackendError):
    """The user is known but not allowed to do this."""


class NotFoundError(BackendError):
    """The post (or another object) does not exist."""


class InvalidContentError(BackendError):
    """The CMS rejected what we sent as invalid."""


class ConflictError(BackendError):
    """Someone else changed the post since we read it."""


class UnexpectedResponseError(BackendError):
    """The answer was not what this CMS answers (HTML instead of JSON, a redirect, junk)."""


class UnsupportedError(BackendError):
    """The backend cannot do this at all."""


# --- live updates ----------------------------------------------------------------------------------


class OutboxError(CMSBridgeError):
    """The local outbox could not be read or written."""
