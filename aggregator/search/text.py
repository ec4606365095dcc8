"""Full-text search over postings' title, organization name and description.

SQLite: the FTS5 table ``postings_fts`` (porter stemming, kept in sync by triggers);
PostgreSQL: the stored ``postings.search_vector`` tsvector with a GIN index (English
stemming without stop words). Both made by migration 0002. Every word of the query must
match (stemmed); a phrase listed in ``config/search_synonyms.toml`` matches it or any of
its alternatives (:mod:`.synonyms`). The last word also matches as a prefix ("interp"
finds "interpretability") unless the text ends with a space or the word is short.
User text never reaches the query syntax: it is cut into letter/digit words, each quoted;
text without any is no filter.

SQLite plans (:func:`text_plan`): a text matching few postings is fetched from the index
once (``id IN (...)``); a common one is checked per row (correlated, by rowid) while the
query walks postings in sort order, which stops after a page. A prefix is completed to
the indexed terms it starts (the fts5vocab table of migration 0010) and matched as those
exact terms: an FTS5 prefix query merges the postings of every such term on each
evaluation, milliseconds per row (a prefix of very many terms is fetched once).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, column, exists, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.orm import Session

from aggregator.db.models import Posting
from aggregator.search.estimates import cached, cached_count
from aggregator.synonyms import expand, words_of

MAX_WORDS = 10
PREFIX_MIN = 3  # shorter last words match whole words only (a short prefix is costly)
FTS_TABLE = "postings_fts"
PG_CONFIG = "aisj_english"  # english_stem without the stop-word list (see migration 0002)
PG_COLUMN = "search_vector"
PG_INDEX = "ix_postings_search_vector"
FEW_MATCHES = 1000  # SQLite: up to this many matches, fetch them from the index once
VOCABULARY = "postings_fts_vocab"  # SQLite: the index's terms (migration 0010)
MAX_COMPLETIONS = 16  # more indexed terms with the prefix: an FTS5 prefix query instead
RANK_WINDOW = 1000  # relevance ranks the newest this many matches; older ones follow by date

_fts = table(FTS_TABLE, column("rowid"), column("rank"))
_vocabulary = table(VOCABULARY, column("term"))
_match_target: Any = literal_column(FTS_TABLE)
_vector = literal_column(f"postings.{PG_COLUMN}", TSVECTOR)


def query_words(text: str) -> tuple[list[str], bool]:
    """The words of a search text (lower-cased letters and digits, at most ten) and
    whether the last one is matched as a prefix."""
    words = list(words_of(text)[:MAX_WORDS])
    prefix = bool(words) and len(words[-1]) >= PREFIX_MIN and not text[-1:].isspace()
    return words, prefix


def _terms(
    words: list[str], prefix: bool, completions: list[str] | None = None
) -> list[list[tuple[tuple[str, ...], bool]]]:
    """The query as terms that must all match, each a list of (phrase, as a prefix)
    alternatives: synonyms expanded, the last word (when it stands alone) a prefix, or,
    given its ``completions``, the word itself or any of them."""
    terms = [[(phrase, False) for phrase in term] for term in expand(words)]
    if prefix and terms and terms[-1][0][0] == (words[-1],):
        if completions is None:
            terms[-1][0] = ((words[-1],), True)
        else:
            known = {p for p, _ in terms[-1]}
            terms[-1] += [((c,), False) for c in completions if (c,) not in known]
    return terms


def completions(session: Session, word: str) -> list[str] | None:
    """SQLite: the indexed terms (stems) that start with ``word`` (cached a minute), or
    None when there are more than :data:`MAX_COMPLETIONS`. Exact terms cost
    microseconds per row where an FTS5 prefix query costs milliseconds."""
    after = word[:-1] + chr(ord(word[-1]) + 1)
    stmt = (
        select(_vocabulary.c.term)
        .where(_vocabulary.c.term >= word, _vocabulary.c.term < after)
        .limit(MAX_COMPLETIONS + 1)
    )

    def load() -> list[str] | None:
        terms = [str(t) for t in session.scalars(stmt)]
        return terms if len(terms) <= MAX_COMPLETIONS else None

    return cached(session, ("completions", word), load)


def _any_of(alternatives: list[str], bar: str) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + bar.join(alternatives) + ")"


def fts5_query(words: list[str], prefix: bool = False, completions: list[str] | None = None) -> str:
    """An FTS5 MATCH expression: every term (a word, or a phrase with its synonyms as
    OR-ed phrases) quoted, all of them ANDed; a prefix word gets ``*`` unless its
    ``completions`` are given."""

    def phrase(words_: tuple[str, ...], as_prefix: bool) -> str:
        quoted = '"' + " ".join(words_).replace('"', '""') + '"'
        return quoted + "*" if as_prefix else quoted

    return " AND ".join(
        _any_of([phrase(p, pre) for p, pre in term], " OR ")
        for term in _terms(words, prefix, completions)
    )


def tsquery_text(words: list[str], prefix: bool) -> str:
    """A ``to_tsquery`` expression: words quoted, a phrase's words joined by ``<->``,
    synonyms by ``|``, terms by ``&``; a prefix word gets ``:*``."""

    def phrase(words_: tuple[str, ...], as_prefix: bool) -> str:
        quoted = " <-> ".join(
            "'" + w.replace("'", "''").replace("\\", "\\\\") + "'" for w in words_
        )
        if as_prefix:
            return quoted + ":*"
        return quoted if len(words_) == 1 else "(" + quoted + ")"

    return " & ".join(
        _any_of([phrase(p, pre) for p, pre in term], " | ") for term in _terms(words, prefix)
    )


def _tsquery(words: list[str], prefix: bool) -> Any:
    """The tsquery as a SQL literal, not a bound parameter: a prepared statement's generic
    plan would assume every text is rare and fetch all matches of a common word through
    the GIN index. Safe to inline: words are letters and digits only, quotes doubled."""
    quoted = "'" + tsquery_text(words, prefix).replace("'", "''") + "'"
    return func.to_tsquery(literal(PG_CONFIG, REGCONFIG), literal_column(quoted))


def _fts_match(words: list[str], prefix: bool, completions: list[str] | None = None) -> Any:
    return _match_target.op("MATCH")(fts5_query(words, prefix, completions))


def text_clause(text: str, dialect: str) -> Any | None:
    """The condition "every word matches" on ``Posting``, or None when the text has no
    words."""
    words, prefix = query_words(text)
    if not words:
        return None
    if dialect == "postgresql":
        return _vector.op("@@")(_tsquery(words, prefix))
    return Posting.id.in_(select(_fts.c.rowid).where(_fts_match(words, prefix)))


def text_plan(session: Session, text: str) -> Any | None:
    """:func:`text_clause` for one page of a list: on SQLite a common text (more than
    :data:`FEW_MATCHES` postings, an estimate cached for a minute) is checked per row."""
    dialect = session.get_bind().dialect.name
    words, prefix = query_words(text)
    if dialect != "sqlite" or not words:
        return text_clause(text, dialect)
    completed = text_completions(session, text)
    match = _fts_match(words, prefix, completed)
    probe = select(_fts.c.rowid).where(match).limit(FEW_MATCHES + 1).subquery()
    key = ("fts", prefix, *words)
    matches = cached_count(session, key, select(func.count()).select_from(probe))
    if matches <= FEW_MATCHES or (prefix and completed is None):
        return Posting.id.in_(select(_fts.c.rowid).where(match))
    return exists().where(match, _fts.c.rowid == Posting.id)


def text_completions(session: Session, text: str) -> list[str] | None:
    """SQLite: :func:`completions` of the text's last word when it is matched as a prefix
    (None otherwise, and on PostgreSQL)."""
    words, prefix = query_words(text)
    if not prefix or session.get_bind().dialect.name != "sqlite":
        return None
    return completions(session, words[-1])


def ranking_floor(session: Session, text: str) -> int | None:
    """The lowest posting id among the :data:`RANK_WINDOW` most recently found postings
    matching ``text`` (cached a minute), or None when fewer match. Ranking every match
    of a common word costs about a second at 50,000 postings (BM25 or ts_rank per
    match), and a word in most postings ranks nothing apart anyway."""
    words, prefix = query_words(text)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        stmt = select(Posting.id).where(_vector.op("@@")(_tsquery(words, prefix)))
        newest: Any = Posting.id.desc()
    else:
        stmt = select(_fts.c.rowid).where(_fts_match(words, prefix))
        newest = _fts.c.rowid.desc()
    probe = stmt.order_by(newest).offset(RANK_WINDOW - 1).limit(1)
    return cached(session, ("rank floor", prefix, *words), lambda: session.scalar(probe))


def relevance_order(
    stmt: Select[Any],
    text: str,
    dialect: str,
    floor: int | None = None,
    completions: list[str] | None = None,
) -> tuple[Select[Any], Any]:
    """``stmt`` restricted to postings matching ``text`` (with ids from ``floor`` on, if
    given; the last word as its SQLite ``completions``, if given) and the
    ascending-is-best rank expression to order by: weighted title > organization >
    description (BM25 on SQLite, ts_rank on PostgreSQL). The text must have words (see
    :func:`query_words`)."""
    words, prefix = query_words(text)
    if dialect == "postgresql":
        query = _tsquery(words, prefix)
        stmt = stmt.where(_vector.op("@@")(query))
        if floor is not None:
            stmt = stmt.where(Posting.id >= floor)
        return stmt, -func.ts_rank(_vector, query)
    match = _fts_match(words, prefix, completions)
    joined = stmt.join(_fts, _fts.c.rowid == Posting.id).where(match)
    if floor is not None:
        joined = joined.where(_fts.c.rowid >= floor)  # FTS5 reads only that rowid range
    return joined, _fts.c.rank
