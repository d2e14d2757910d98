"""Live-blog update labels ("UPDATE: 23:18 Paris time"): recognising them and reading their time and zone.

Shared by every format that meets update markers written as text (text, markdown, html, gutenberg).

* :func:`is_update_label` tells whether a line of text starts like an update label.
* :func:`parse_update_label` reads the time (and date, when given) and the zone out of a label.
* :func:`update_id_from_label` is the marker id a label gives: Ghost's heading slug of the label without
  its leading ``update-``, so the anchor ``update-<id>`` equals the id Ghost gives a heading with that text.
* :func:`marker_from_label` builds the :class:`~cmsbridge.model.UpdateMarker` for a label.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from zoneinfo import available_timezones

from ..model import UpdateMarker, slugify, zone_info

LABEL_WORDS = (
    "update",
    "updated",
    "latest",
    "breaking",
    "mise à jour",
    "actualización",
    "actualizacion",
    "aktualisierung",
    "aggiornamento",
)
"""The words an update label starts with, in the languages newsrooms use (written in capitals or with a
capital first letter)."""

LABEL_SEPARATORS = ":-\u2013\u2014"
"""What follows the word: a colon, a hyphen, an en dash or an em dash."""

UPDATE_PREFIX = re.compile(
    r"^\s*(?:"
    + "|".join(
        re.escape(form) for word in LABEL_WORDS for form in dict.fromkeys((word.upper(), word.capitalize()))
    )
    + rf")\s*[{re.escape(LABEL_SEPARATORS)}]"
)
"""What an update label starts with: ``UPDATE:``, ``Updated -``, ``BREAKING —``, ``MISE À JOUR :``..."""

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier"),
            ("february", "feb", "février", "fevrier"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre"),
        ],
        start=1,
    )
    for name in names
}

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-zéû]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-zéû]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_TIME = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d:])", re.IGNORECASE
)
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?\b")

_ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "bst": "Europe/London",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "jst": "Asia/Tokyo",
    "msk": "Europe/Moscow",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "washington": "America/New_York",
    "moscow": "Europe/Moscow",
    "beijing": "Asia/Shanghai",
    "tbilisi": "Asia/Tbilisi",
    "new york": "America/New_York",
    "san francisco": "America/Los_Angeles",
}


@lru_cache(maxsize=1)
def _city_zones() -> dict[str, str]:
    """City (last part of an IANA name, lower case, spaces for underscores) -> zone."""
    cities: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        area, _, city = zone.rpartition("/")
        if not area or area.startswith("Etc") or area in {"SystemV", "US", "Canada", "Brazil", "Chile"}:
            continue
        cities.setdefault(city.replace("_", " ").lower(), zone)
    return cities


_TIMED_WORDS = re.compile(r"^\s*(?:LATEST|Latest|BREAKING|Breaking)\s*[" + re.escape(LABEL_SEPARATORS) + "]")
"""Words that also start ordinary sentences ("Latest: officials said..."): a label only with a time."""


def is_update_label(line: str) -> bool:
    """Whether ``line`` is an update label: it starts with an update word and a separator (``UPDATE:``,
    ``Mise à jour -``...); after ``LATEST`` or ``BREAKING``, which also start ordinary sentences, only
    when it gives a time (``BREAKING - 14:05``)."""
    if UPDATE_PREFIX.match(line) is None:
        return False
    return _TIMED_WORDS.match(line) is None or find_time(line) is not None


def _zone_in(text: str) -> str | None:
    offset = _OFFSET.search(text)
    if offset:
        hours = int(offset[2])
        minutes = int(offset[3] or 0)
        if minutes == 0 and hours <= 14:
            sign = "-" if offset[1] == "+" else "+"  # Etc/GMT signs are inverted
            return "UTC" if hours == 0 else f"Etc/GMT{sign}{hours}"
    words = re.findall(r"[^\W\d_]+", text.lower())
    cities = _city_zones()
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            name = " ".join(words[i : i + size])
            zone = _ABBREVIATIONS.get(name) or (cities.get(name) if size > 1 or len(name) > 2 else None)
            if zone is not None:
                return zone
    return None


def _date_in(text: str) -> dt.date | None:
    try:
        iso = _ISO_DATE.search(text)
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        dmy = _DAY_MONTH_YEAR.search(text)
        if dmy and dmy[2].lower() in _MONTHS:
            return dt.date(int(dmy[3]), _MONTHS[dmy[2].lower()], int(dmy[1]))
        mdy = _MONTH_DAY_YEAR.search(text)
        if mdy and mdy[1].lower() in _MONTHS:
            return dt.date(int(mdy[3]), _MONTHS[mdy[1].lower()], int(mdy[2]))
    except ValueError:
        return None
    return None


def _time_in(text: str) -> dt.time | None:
    found = find_time(text)
    return found[0] if found else None


def find_time(text: str) -> tuple[dt.time, int, int] | None:
    """The first time of day written in ``text`` (``23:18``, ``11:18pm``, ``23h18``) and where it is."""
    for match in _TIME.finditer(text):
        hour, minute, second, meridiem = match[1], match[2], match[3], match[4]
        if minute is None and meridiem is None:
            continue  # a bare number is not a time
        h, m, s = int(hour), int(minute or 0), int(second or 0)
        if meridiem:
            if not 1 <= h <= 12:
                continue
            h = h % 12 + (12 if meridiem.lower().startswith("p") else 0)
        if h < 24 and m < 60 and s < 60:
            end = max(match.end(group) for group in (1, 2, 3, 4) if match[group] is not None)
            return dt.time(h, m, s), match.start(), end
    return None


def parse_update_label(
    label: str, *, default_date: dt.date | None = None
) -> tuple[dt.datetime | dt.time | None, str | None]:
    """The time and IANA zone a label gives.

    ``"UPDATE: 23:18 Paris time"`` -> ``(time(23, 18), "Europe/Paris")``.

    The time is a full aware datetime when the label (or ``default_date``) gives a date and a zone is
    known, a time of day otherwise, and None when the label holds no time. The zone is None when the label
    names none.
    """
    text = UPDATE_PREFIX.sub("", label, count=1)
    zone = _zone_in(text)
    without_dates = _ISO_DATE.sub(" ", text)
    when = _time_in(without_dates)
    if when is None:
        return None, zone
    day = _date_in(text) or default_date
    if day is not None and zone is not None:
        return dt.datetime.combine(day, when, tzinfo=zone_info(zone)), zone
    return when, zone


def update_id_from_label(label: str) -> str:
    """The marker id a label gives: its Ghost heading slug without the leading ``update-``."""
    slug = slugify(label)
    if slug.startswith("update-"):
        slug = slug[len("update-") :]
    if not _ID_PATTERN.match(slug):
        slug = re.sub(r"[^A-Za-z0-9_.:-]", "", slug).lstrip("_.:-")
    return slug or "update"


def unique_id(base: str, seen: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first not in ``seen``."""
    if base not in seen:
        return base
    n = 2
    while f"{base}-{n}" in seen:
        n += 1
    return f"{base}-{n}"


def marker_from_label(
    label: str,
    *,
    default_date: dt.date | None = None,
    id: str | None = None,
    key: bool = False,
) -> UpdateMarker:
    """The update marker for ``label``: id from the label (unless given), time and zone read from it."""
    at, zone = parse_update_label(label, default_date=default_date)
    return UpdateMarker(id=id or update_id_from_label(label), at=at, tz=zone, label=label, key=key)


# --- bylines ---------------------------------------------------------------------------------------------

BYLINE_WORD = "By"
"""What a visible byline starts with ("By Ann Lee and Bo Ng")."""


def byline_text(names: tuple[str, ...]) -> str:
    """The byline readers see: ``By Ann Lee``, ``By Ann Lee and Bo Ng``, ``By Ann Lee, Bo Ng and Cy Oh``
    (empty for no names)."""
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{BYLINE_WORD} {listed}"


def byline_names(text: str, known: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names a visible byline gives: ``known`` (the names a format also keeps in attributes) when the
    byline is the text :func:`byline_text` writes for them, else the names read from the text (an editor
    changed it): the leading ``By`` dropped, split at commas and the last ``and``."""
    text = " ".join(text.split())
    if text == byline_text(known):
        return known
    listed = re.sub(rf"^{BYLINE_WORD}\b:?\s*", "", text, flags=re.IGNORECASE)
    head, sep, last = listed.rpartition(" and ")
    parts = [*head.split(","), last] if sep else listed.split(",")
    return tuple(name.strip() for name in parts if name.strip())


def byline_json(names: tuple[str, ...]) -> str:
    """A byline's names as an attribute keeps them exactly (a JSON array: names may hold commas)."""
    return json.dumps(list(names), ensure_ascii=False)


def names_from(value: object) -> tuple[str, ...]:
    """The names of a byline attribute: a list of strings, or the JSON text of one (:func:`byline_json`);
    nothing for anything else (the attribute is untrusted)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    listed = value if isinstance(value, list) else []
    return tuple(" ".join(n.split()) for n in listed if isinstance(n, str) and n.strip())


def edited_time(value: object) -> dt.datetime | None:
    """An update's time last edited, as attributes keep it (an aware ISO 8601 date-time); None for
    anything else."""
    try:
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
    return when if when is not None and when.tzinfo is not None else None
