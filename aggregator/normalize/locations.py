"""Locations: cities, ISO 3166 alpha-2 countries and a remote mode from messy strings.

Source hints win (Ashby/Lever ``workplaceType``, Teamtailor ``remoteStatus``, JSON-LD
``TELECOMMUTE``), then the location strings, then explicit description phrases. Onsite
is never inferred from silence: without evidence the mode is ``unspecified`` (the mode
rules are in ``remote``). Countries come from pycountry names and codes, a table of local
names (``Deutschland``) and aliases (``UK``, ``USA``), US states, and a table of the
field's hub cities. Nothing here raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry

from aggregator.normalize.remote import mode_of_strings, remote_from_description, remote_from_hint

REMOTE_MODES = ("remote", "hybrid", "onsite", "unspecified")
MAX_LOCATIONS = 50
MAX_LOCATION_CHARS = 300

# alias -> (display name, ISO-2); "cambridge" is resolved by context (GB unless US).
HUB_CITIES: dict[str, tuple[str, str]] = {
    "san francisco": ("San Francisco", "US"), "sf": ("San Francisco", "US"),
    "san francisco bay area": ("San Francisco", "US"), "bay area": ("San Francisco", "US"),
    "berkeley": ("Berkeley", "US"), "oakland": ("Oakland", "US"),
    "palo alto": ("Palo Alto", "US"), "mountain view": ("Mountain View", "US"),
    "menlo park": ("Menlo Park", "US"), "san jose": ("San Jose", "US"),
    "new york": ("New York", "US"), "new york city": ("New York", "US"),
    "nyc": ("New York", "US"), "brooklyn": ("New York", "US"),
    "boston": ("Boston", "US"), "washington dc": ("Washington DC", "US"),
    "washington d c": ("Washington DC", "US"), "dc": ("Washington DC", "US"),
    "seattle": ("Seattle", "US"), "los angeles": ("Los Angeles", "US"),
    "austin": ("Austin", "US"), "chicago": ("Chicago", "US"), "denver": ("Denver", "US"),
    "atlanta": ("Atlanta", "US"), "pittsburgh": ("Pittsburgh", "US"),
    "london": ("London", "GB"), "oxford": ("Oxford", "GB"), "cambridge": ("Cambridge", "GB"),
    "edinburgh": ("Edinburgh", "GB"), "manchester": ("Manchester", "GB"),
    "bristol": ("Bristol", "GB"), "toronto": ("Toronto", "CA"),
    "montreal": ("Montreal", "CA"), "vancouver": ("Vancouver", "CA"),
    "berlin": ("Berlin", "DE"), "munich": ("Munich", "DE"), "münchen": ("Munich", "DE"),
    "zurich": ("Zurich", "CH"), "zürich": ("Zurich", "CH"), "geneva": ("Geneva", "CH"),
    "paris": ("Paris", "FR"), "amsterdam": ("Amsterdam", "NL"), "dublin": ("Dublin", "IE"),
    "stockholm": ("Stockholm", "SE"), "copenhagen": ("Copenhagen", "DK"),
    "prague": ("Prague", "CZ"), "brussels": ("Brussels", "BE"), "madrid": ("Madrid", "ES"),
    "barcelona": ("Barcelona", "ES"), "milan": ("Milan", "IT"), "warsaw": ("Warsaw", "PL"),
    "singapore": ("Singapore", "SG"), "tokyo": ("Tokyo", "JP"), "seoul": ("Seoul", "KR"),
    "sydney": ("Sydney", "AU"), "melbourne": ("Melbourne", "AU"),
    "bangalore": ("Bangalore", "IN"), "bengaluru": ("Bangalore", "IN"),
    "tel aviv": ("Tel Aviv", "IL"), "hong kong": ("Hong Kong", "HK"),
}  # fmt: skip


def _us_states() -> dict[str, str]:
    """Two-letter code -> lower-case name of each US state and DC (pycountry's ISO 3166-2
    subdivisions); New York is "new york state" since "New York" alone is the city."""
    states = {
        sub.code.split("-")[1]: sub.name.lower()
        for sub in pycountry.subdivisions.get(country_code="US")
        if sub.type in ("State", "District")
    }
    states["NY"] = "new york state"
    return states


US_STATES = _us_states()
_STATE_NAMES = frozenset(US_STATES.values()) - {"georgia"}
COUNTRY_ALIASES = {
    "uk": "GB", "u k": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "us": "US", "u s": "US", "usa": "US", "u s a": "US", "united states": "US",
    "united states of america": "US", "america": "US",
    "deutschland": "DE", "österreich": "AT", "schweiz": "CH", "suisse": "CH",
    "svizzera": "CH", "nederland": "NL", "the netherlands": "NL", "holland": "NL",
    "belgië": "BE", "belgique": "BE", "españa": "ES", "italia": "IT", "sverige": "SE",
    "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL", "česko": "CZ",
    "česká republika": "CZ", "czechia": "CZ", "éire": "IE", "brasil": "BR", "méxico": "MX",
    "türkiye": "TR", "turkey": "TR", "south korea": "KR", "korea": "KR", "russia": "RU",
    "uae": "AE", "vietnam": "VN", "taiwan": "TW", "iran": "IR", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "laos": "LA", "syria": "SY",
}  # fmt: skip
REGIONS = frozenset(
    {"emea", "europe", "eu", "apac", "asia", "americas", "north america", "latam",
     "latin america", "south america", "africa", "oceania", "middle east", "global",
     "worldwide", "anywhere", "international", "eu/uk", "european union", "nordics"}
)  # fmt: skip

_MODE_WORDS = re.compile(
    r"\b(?:fully|100%|remote|hybrid|on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based"
    r"|only|based|friendly|first|ok|possible|optional|within|from|work from home|wfh"
    r"|distributed|flexible|timezones?|time zones?|and|or|in)\b",
    re.I,
)
_SEGMENT_SPLIT = re.compile(r"[;|/\n·•]|\s+or\s+|\s+&\s+|\s+and\s+", re.I)
_COMPONENT_SPLIT = re.compile(r"[,()\[\]:]|\s[-–—]\s|\s[-–—]|[-–—]\s|^[-–—]|[-–—]$")


@dataclass(frozen=True)
class LocationInfo:
    cities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    remote: str = "unspecified"
    regions: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace(".", " ")
    text = re.sub(r"^(?:the|greater|central|downtown)\s+", "", " ".join(text.split()))
    return re.sub(r"\s+(?:area|metro|metropolitan area|office|hq)$", "", text)


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166 alpha-2 for a country name, alias, local name or code, else None."""
    raw = name.strip()
    key = _key(raw)
    if not key or len(key) > 60:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    if len(raw) <= 3 and not raw.isupper():
        return None  # "in", "or", "de" in running text are not country codes
    try:
        country = pycountry.countries.lookup(raw if len(raw) <= 3 else key)
    except LookupError:
        return None
    return str(country.alpha_2)


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The common English name of an ISO 3166 alpha-2 code ("KR" → "South Korea"); the
    code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@dataclass
class _Found:
    cities: list[tuple[str, str]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


_WASHINGTON_DC = re.compile(r"\bWashington,?\s*D\.?\s?C\b\.?", re.I)


def _parse_segment(segment: str, found: _Found) -> None:
    segment = _WASHINGTON_DC.sub("Washington DC", segment)
    components = [c.strip(" .'\"*") for c in _COMPONENT_SPLIT.split(segment)]
    components = [c for c in components if c]
    unknown: str | None = None
    anchored = False
    for index, raw in enumerate(components):
        stripped = " ".join(_MODE_WORDS.sub(" ", raw).split())
        if not stripped:
            continue
        key = _key(stripped)
        if key not in HUB_CITIES:
            folded = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
            key = folded if folded in HUB_CITIES else key
        if key in HUB_CITIES:
            name, code = HUB_CITIES[key]
            found.cities.append((name, code))
            continue
        if key in REGIONS:
            found.regions.append(key.upper() if len(key) <= 4 else key.title())
            continue
        if index > 0 and (stripped.upper() in US_STATES and stripped.isupper()):
            found.countries.append("US")
            anchored = True
            continue
        if key in _STATE_NAMES or (index > 0 and key == "georgia"):
            found.countries.append("US")
            anchored = True
            continue
        country = country_code(stripped)
        if country:
            found.countries.append(country)
            anchored = True
            continue
        if unknown is None and index == 0 and re.fullmatch(r"[^\W\d_][\w' .-]{1,40}", stripped):
            unknown = stripped
    if unknown and anchored:
        found.cities.append((unknown, ""))


def _resolve_cambridge(found: _Found, context: str) -> None:
    us_context = bool(re.search(r"\b(?:MA|Massachusetts|USA?|United States)\b", context))
    resolved = []
    for name, code in found.cities:
        if name == "Cambridge" and (
            us_context or ("US" in found.countries and "GB" not in found.countries)
        ):
            code = "US"
        resolved.append((name, code))
    found.cities = resolved


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def parse_locations(
    locations: list[str] | None,
    *,
    remote_hint: str | None = None,
    country_hints: list[str] | None = None,
    description_text: str = "",
) -> LocationInfo:
    """Cities, countries, regions and remote mode of a posting."""
    strings = [
        s[:MAX_LOCATION_CHARS] for s in (locations or [])[:MAX_LOCATIONS] if isinstance(s, str)
    ]
    found = _Found()
    for text in strings:
        segment_found = _Found()
        for segment in _SEGMENT_SPLIT.split(text):
            if segment.strip():
                _parse_segment(segment, segment_found)
        _resolve_cambridge(segment_found, text)
        found.cities += segment_found.cities
        found.countries += segment_found.countries
        found.regions += segment_found.regions
    hints = []
    for hint in country_hints or []:
        if isinstance(hint, str) and re.fullmatch(r"[A-Za-z]{2}", hint.strip()):
            code = country_code(hint.strip().upper())
            if code:
                hints.append(code)
    countries = [code for _, code in found.cities] + found.countries + hints
    mode = (
        remote_from_hint(remote_hint)
        or mode_of_strings(strings)
        or remote_from_description(description_text)
        or "unspecified"
    )
    return LocationInfo(
        cities=_unique([name for name, _ in found.cities]),
        countries=_unique(countries),
        remote=mode,
        regions=_unique(found.regions),
    )
