"""Keywords of an alert, matched as the search box matches them: an alert made from a
search sends what that search finds, and its preview counts the same postings.

A keyword matches a posting when each of its words, or a listed synonym of a phrase of
it (``config/search_synonyms.toml``: "aisi" also finds "ai security institute"), starts
a word of the posting's title, organization or description ("interp" finds
"interpretability"; "rl" does not find "world"). The search also stems words
("evaluations" finds "evaluation"); a keyword does not.
"""

from __future__ import annotations

from functools import lru_cache

from aggregator.synonyms import expand, words_of


def searchable(text: str) -> str:
    """``text`` as keywords are looked for in it: its lower-cased words, a space before each."""
    return " " + " ".join(words_of(text))


@lru_cache(maxsize=4096)
def keyword_terms(keyword: str) -> tuple[tuple[str, ...], ...]:
    """The terms that must all be found in a :func:`searchable` text; each is a choice of
    phrases, each phrase ``" word word"`` so that it starts at a word."""
    return tuple(
        tuple(" " + " ".join(phrase) for phrase in term) for term in expand(list(words_of(keyword)))
    )


def keyword_in(keyword: str, text: str) -> bool:
    """Whether ``keyword`` is found in the :func:`searchable` ``text`` (a keyword without
    words asks for nothing and is found everywhere, as an empty search lists everything)."""
    return all(any(phrase in text for phrase in term) for term in keyword_terms(keyword))
