"""One error hierarchy, rooted at :class:`CMSBridgeError`.

Every failure that cmsbridge reports to its caller is one of these. Errors carry context (the post, the
site, the HTTP status, the server's error code) as attributes and in their message; they never carry
secrets: sites are shown through :func:`redact_url`.
"""

from __future__ import annotations

import re
from typing import Any

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/\s]*)(?::[^@/]*)?@", re.I)


def redact_url(url: str) -> str:
    """Return ``url`` with any password or key secret replaced by ``***``."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m["user"] else m["scheme"], url)


class CMSBridgeError(Exception):
    """Base of every error cmsbridge raises on purpose."""

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
        self.message = message
        self.post = post
        self.site = redact_url(site) if site else None
        self.status = status
        self.code = code
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
        return f"{self.message} ({', '.join(context)})" if context else self.message

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
