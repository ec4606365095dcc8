"""Canonical URLs for deduplication: the same page reached through different links.

w3lib's ``canonicalize_url`` does the generic part (query order, percent-escapes, dot
segments, fragments); this module adds the project's own rules (tracking parameters,
host aliases, ``www.``, default ports, ATS ``/apply`` forms, trailing slashes).
Parameters that identify the job (``gh_jid`` on company-hosted Greenhouse pages,
``ashby_jid``, ``id``...) are kept. Never raises.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset(
    {
        "gh_src",
        "lever-source",
        "lever-source[]",
        "lever-origin",
        "lever-via",
        "ref",
        "referrer",
        "source",
        "src",
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "trk",
        "trackingid",
        "li_fat_id",
        "ashby_source",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
# Hosts that serve the same board under several names.
HOST_ALIASES = {
    "job-boards.greenhouse.io": "boards.greenhouse.io",
    "job-boards.eu.greenhouse.io": "boards.eu.greenhouse.io",
}
# ATS hosts where ``/apply`` at the end is the application form of the same posting.
APPLY_SUFFIX_HOSTS = frozenset({"jobs.lever.co", "jobs.eu.lever.co", "jobs.ashbyhq.com"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not url or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` as given, minus tracking parameters (for display and links)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def canonical_url(url: str) -> str:
    """The dedup form of ``url``; a string that is not a URL comes back trimmed.

    w3lib's ``canonicalize_url`` sorts the query, normalizes percent-escapes, resolves dot
    segments and drops the fragment; on top, this project's own rules: tracking
    parameters out, host lowercased without ``www.`` and with its aliases, default ports
    and repeated or trailing slashes dropped, ``/apply`` forms of ATS postings folded
    into the posting, and http the same as https."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return text
    if not host:
        return text
    scheme = parts.scheme.lower()
    host = host.removeprefix("www.")
    host = HOST_ALIASES.get(host, host)
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = parts.path or "/"
    while "//" in path:
        path = path.replace("//", "/")
    if host in APPLY_SUFFIX_HOSTS:
        for suffix in ("/apply", "/application", "/apply/"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    # http and https are the same posting for dedup purposes.
    scheme = "https" if scheme in ("http", "https") else scheme
    cleaned = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    try:
        return canonicalize_url(cleaned)
    except (ValueError, UnicodeError):  # w3lib refuses it: the cleaned form is still stable
        return cleaned
