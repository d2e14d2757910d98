"""Sites as URLs, like ``DATABASE_URL``, and named profiles; :func:`connect` returns the backend.

Site URLs:

- ``wordpress+https://USER:APP_PASSWORD@host/path``: WordPress over REST (application password).
  ``?api=wp-json`` or ``?api=rest_route`` skips the API-root discovery.
- ``wordpress-xmlrpc+https://USER:PASSWORD@host/path``: WordPress over XML-RPC.
- ``ghost+https://KEY_ID:KEY_SECRET@host``: Ghost's Admin API (``cmsbridge.backends.ghost.GhostAdmin``,
  imported on use).
- ``files:PATH``: a folder of Markdown files with front matter (``?format=json`` for another format).
- ``wxr:PATH``: a WordPress export file (WXR), read-only: a source to migrate from.

These schemes are the registry :data:`SCHEMES`; installed plugins add more through the entry-point group
``cmsbridge.backends`` (:mod:`cmsbridge.plugins`), written ``SCHEME+https://USER:SECRET@host/path`` or
``SCHEME:PATH``. ``cmsbridge sites`` lists them all.

``http://`` is accepted for loopback hosts only (localhost, 127.0.0.0/8, ::1) unless ``insecure=True``.
Credentials in a URL are percent-decoded (an application password's spaces may be written ``%20`` or left
out). A URL without a password takes it from ``$CMSBRIDGE_PASSWORD``.

Profiles: a bare name (no ``:``) is looked up as ``[sites.NAME]`` in ``./cmsbridge.toml``, then in
``$XDG_CONFIG_HOME/cmsbridge/config.toml`` (``~/.config/cmsbridge/config.toml``)::

    [sites.newsroom]
    url = "wordpress+https://editor@news.example.com"
    password_env = "WP_APP_PASSWORD"     # the secret comes from the environment, never the file
    insecure = false

A profile has only these keys (``key_env`` may stand for ``password_env``), each of its TOML type:
``insecure = "false"`` or an unknown key is a :class:`~cmsbridge.errors.ConfigError`, never a guess.

With no site given, ``$CMSBRIDGE_SITE`` (a URL or a profile name) is used, else :data:`DEFAULT_SITE`: the
folder ``posts/`` in the current directory.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from .. import plugins
from ..errors import ConfigError, PluginError, redact_url

if TYPE_CHECKING:
    from collections.abc import Callable

    from .base import Backend, Transport

DEFAULT_SITE = "files:posts"
"""The site used when none is given: ``./posts/``, a folder of Markdown files; no server needed."""


@dataclass(frozen=True)
class Site:
    """A parsed site: its kind, its URL without credentials, the user and (hidden) secret, options."""

    kind: str
    """``rest``, ``xmlrpc``, ``ghost``, ``files``, ``wxr`` or a plugin's URL scheme."""
    url: str
    user: str = ""
    secret: str = field(default="", repr=False)
    options: dict[str, str] = field(default_factory=dict)
    insecure: bool = False

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True)
class Scheme:
    """One kind of site URL in the registry: how it is written, what it is, what connects to it."""

    kind: str
    """The :attr:`Site.kind` of its sites."""
    form: str
    """How a URL of this scheme is written, e.g. ``files:FOLDER``."""
    about: str
    """What it is, in a few words."""
    connect: Callable[[Site, Transport | None], Backend]
    """The backend for a parsed site, talking through the transport given (None: its own)."""
    network: bool | None
    """True: ``SCHEME+https://USER:SECRET@host/path``; False: ``SCHEME:PATH``; None (plugins): either."""


def _files(site: Site, transport: Transport | None) -> Backend:
    from ..formats import get as known_format
    from .files import FilesBackend

    fmt = site.options.get("format", "markdown")
    known_format(fmt)  # an unknown format is an error, not a folder of unreadable files
    return FilesBackend(site.url[len("files:") :], format=fmt)


def _wxr(site: Site, transport: Transport | None) -> Backend:
    from .wxr_file import WXRFileBackend

    return WXRFileBackend(site.url[len("wxr:") :])


def _rest(site: Site, transport: Transport | None) -> Backend:
    from .wordpress_rest import WordPressREST

    api = site.options.get("api", "auto")
    if api not in {"auto", "wp-json", "rest_route"}:
        raise ConfigError(f"api must be wp-json or rest_route, not {api!r}")
    return WordPressREST(site.url, site.user, site.secret, transport=transport, api=api)  # type: ignore[arg-type]


def _xmlrpc(site: Site, transport: Transport | None) -> Backend:
    from .wordpress_xmlrpc import WordPressXMLRPC

    return WordPressXMLRPC(site.url, site.user, site.secret, transport=transport)


def _ghost(site: Site, transport: Transport | None) -> Backend:
    try:
        from .ghost import GhostAdmin
    except ImportError as exc:
        raise ConfigError("the Ghost backend is not available in this installation") from exc
    return GhostAdmin(site.url, site.user, site.secret, transport=transport)


_REST_FORM = "wordpress+https://USER:APP_PASSWORD@host/path"
_REST = Scheme("rest", _REST_FORM, "WordPress over REST (application password)", _rest, True)
SCHEMES: dict[str, Scheme] = {
    "wordpress": _REST,
    "wordpress-rest": _REST,
    "wordpress-xmlrpc": Scheme(
        "xmlrpc", "wordpress-xmlrpc+https://USER:PASSWORD@host/path", "WordPress over XML-RPC", _xmlrpc, True
    ),
    "ghost": Scheme("ghost", "ghost+https://KEY_ID:KEY_SECRET@host", "Ghost's Admin API", _ghost, True),
    "files": Scheme(
        "files", "files:FOLDER", "a folder of Markdown files (?format=NAME for another format)", _files, False
    ),
    "wxr": Scheme("wxr", "wxr:FILE", "a WordPress export file (WXR), read-only", _wxr, False),
}
"""The built-in site URL schemes: scheme -> :class:`Scheme`."""


def schemes() -> dict[str, Scheme]:
    """Every site URL scheme installed: the built-in ones, then the plugins' (never replacing one)."""
    found = dict(SCHEMES)
    for name, point in plugins.entry_points(plugins.BACKENDS_GROUP).items():
        if name not in found:
            form = f"{name}:PATH or {name}+https://USER:SECRET@host/path"
            found[name] = Scheme(name, form, plugins.describe(point), _plugin_backend(name), None)
    return found


def _plugin_backend(name: str) -> Callable[[Site, Transport | None], Backend]:
    def make(site: Site, transport: Transport | None) -> Backend:
        factory = plugins.load(plugins.BACKENDS_GROUP, name)
        if not callable(factory):
            point = plugins.entry_points(plugins.BACKENDS_GROUP)[name]
            raise PluginError(f"backend {name!r} from {plugins.describe(point)} is not callable")
        backend: Backend = factory(site, transport)
        return backend

    return make


def config_paths() -> list[Path]:
    """Where profiles are looked up, in order."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / "cmsbridge.toml", Path(xdg) / "cmsbridge" / "config.toml"]


def parse_site(url: str, *, insecure: bool = False, secret: str | None = None) -> Site:
    """Parse a site URL (see the module docstring). ``secret`` overrides the URL's password."""
    head, colon, rest = url.partition(":")
    system, plus, transport = head.lower().partition("+")
    if not colon:
        raise ConfigError(f"not a site URL or profile name: {redact_url(url)!r}")
    known = schemes()
    scheme = known.get(system)
    network = bool(plus) and rest.startswith("//") and transport in {"http", "https"}
    if scheme is None or scheme.network not in (None, network) or (plus and not network):
        forms = ", ".join(
            s.form if s.network is False else f"{name}+https://" if s.network else f"{name}:"
            for name, s in known.items()
        )
        raise ConfigError(f"unknown site scheme {head!r}: use {forms}")
    if not network:
        path, _, query = rest.partition("?")
        if path.startswith("//"):
            path = urlsplit(url).path
        if not path:
            raise ConfigError(f"{system}: needs a path: {scheme.form}")
        options = {k: v[-1] for k, v in parse_qs(query).items()}
        return Site(kind=scheme.kind, url=f"{system}:{path}", options=options)
    try:
        parts = urlsplit(url[len(system) + 1 :])
        port = parts.port
        hostname = parts.hostname
        if hostname and ":" in hostname:
            ipaddress.IPv6Address(hostname.partition("%")[0])
        elif hostname and not _HOST.fullmatch(hostname):
            raise ValueError("not a host name")
        if port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise ConfigError(f"site URL with a bad host or port: {redact_url(url)!r}") from None
    if not hostname:
        raise ConfigError(f"site URL without a host: {redact_url(url)!r}")
    if transport == "http" and not insecure and not _loopback(hostname):
        raise ConfigError(
            f"refusing plain http:// to {hostname}: credentials would travel unencrypted; "
            "use https:// (or --insecure)"
        )
    user = unquote(parts.username or "")
    password = secret if secret is not None else unquote(parts.password or "")
    if not password:
        password = os.environ.get("CMSBRIDGE_PASSWORD", "")
    if not user or not password:
        needed = "KEY_ID:KEY_SECRET" if scheme.kind == "ghost" else "USER:PASSWORD"
        raise ConfigError(f"{redact_url(url)} needs {needed}@host or a profile with password_env")
    host = hostname if ":" not in hostname else f"[{hostname}]"
    netloc = f"{host}:{port}" if port else host
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return Site(
        kind=scheme.kind,
        url=f"{transport}://{netloc}{parts.path.rstrip('/')}",
        user=user,
        secret=password,
        options=options,
        insecure=insecure,
    )


_HOST = re.compile(r"[\w.-]+")
"""A host name (letters of any script, digits, dots, dashes) or an IPv4 address."""


def _loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_profile(name: str, paths: list[Path] | None = None) -> dict[str, Any]:
    """The profile ``[sites.NAME]`` from the first configuration file that defines it."""
    for path in paths if paths is not None else config_paths():
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        sites = data.get("sites", {})
        if isinstance(sites, dict) and isinstance(sites.get(name), dict):
            return dict(sites[name])
    raise ConfigError(
        f"no site profile {name!r} (looked for [sites.{name}] in "
        f"{', '.join(str(p) for p in (paths if paths is not None else config_paths()))})"
    )


_PROFILE_KEYS: dict[str, type] = {"url": str, "password_env": str, "key_env": str, "insecure": bool}
"""The keys a site profile may have, and the TOML type of each (a string is never a boolean)."""


def resolve(site: str | None = None, *, insecure: bool = False, paths: list[Path] | None = None) -> Site:
    """The :class:`Site` for a URL, a profile name, ``$CMSBRIDGE_SITE`` or the default folder."""
    given = site or os.environ.get("CMSBRIDGE_SITE") or DEFAULT_SITE
    if ":" in given:
        return parse_site(given, insecure=insecure)
    profile = load_profile(given, paths)
    for key, value in profile.items():
        wanted = _PROFILE_KEYS.get(key)
        if wanted is None:
            raise ConfigError(
                f"site profile {given!r} has an unknown key {key!r} (known: {', '.join(_PROFILE_KEYS)})"
            )
        if not isinstance(value, wanted):
            kind = "true or false" if wanted is bool else "a string"
            raise ConfigError(f"site profile {given!r}: {key} must be {kind}, not {type(value).__name__}")
    url = profile.get("url")
    if url is None:
        raise ConfigError(f"site profile {given!r} has no url")
    secret = None
    env = profile.get("password_env") or profile.get("key_env")
    if env:
        secret = os.environ.get(env)
        if not secret:
            raise ConfigError(f"site profile {given!r} takes its secret from ${env}, which is not set")
    return parse_site(url, insecure=insecure or profile.get("insecure", False), secret=secret)


def connect(
    site: str | None = None, *, insecure: bool = False, transport: Transport | None = None
) -> Backend:
    """The backend for a site URL or profile name (default: ``$CMSBRIDGE_SITE``, else ``files:posts``)."""
    spec = resolve(site, insecure=insecure)
    scheme = next(s for s in schemes().values() if s.kind == spec.kind)
    return scheme.connect(spec, transport)
