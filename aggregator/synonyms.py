"""Search synonyms (``config/search_synonyms.toml``): a phrase of a search also finds
postings that say one of its listed alternatives ("aisi" -> "ai security institute").

Phrases are tuples of lower-cased words, cut as search text is cut, so a maintainer's
"red-teaming" and a visitor's "Red teaming" are the same phrase.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from aggregator.errors import ConfigError
from aggregator.paths import config_file

FILE = "search_synonyms.toml"
WORD = re.compile(r"[^\W_]+")

Phrase = tuple[str, ...]


def words_of(text: str) -> Phrase:
    """The lower-cased letter/digit words of ``text`` (how every search is cut)."""
    return tuple(WORD.findall(text.lower()))


@lru_cache(maxsize=1)
def synonyms() -> dict[Phrase, tuple[Phrase, ...]]:
    """Each listed phrase and the phrases a search for it also finds."""
    path = config_file(FILE)
    try:
        table = tomllib.loads(path.read_text())["expand"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise ConfigError(f"cannot read the [expand] table of {path}: {exc}") from None
    out: dict[Phrase, tuple[Phrase, ...]] = {}
    for key, alternatives in table.items():
        phrase = words_of(key)
        if not phrase or not isinstance(alternatives, list) or not alternatives:
            raise ConfigError(f"{path}: {key!r} needs words and a list of phrases")
        expanded = [words_of(str(a)) for a in alternatives]
        if not all(expanded):
            raise ConfigError(f"{path}: {key!r} lists a phrase without words")
        out[phrase] = tuple(dict.fromkeys(p for p in expanded if p != phrase))
    return out


@lru_cache(maxsize=1)
def longest_phrase() -> int:
    return max((len(p) for p in synonyms()), default=1)


def expand(words: list[str]) -> list[tuple[Phrase, ...]]:
    """``words`` as a list of terms that must all match; a term is one or more phrases of
    which any may match. The longest listed phrase starting at each word wins."""
    table = synonyms()
    terms: list[tuple[Phrase, ...]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest_phrase(), len(words) - i), 0, -1):
            phrase = tuple(words[i : i + size])
            if phrase in table:
                terms.append((phrase, *table[phrase]))
                i += size
                break
        else:
            terms.append(((words[i],),))
            i += 1
    return terms
