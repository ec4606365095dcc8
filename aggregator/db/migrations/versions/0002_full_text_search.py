"""full-text search over postings (title, organization name, description)

SQLite: an external-content FTS5 table ``postings_fts`` (porter stemming over unicode61)
kept in sync by triggers on ``postings`` (the update trigger fires only when an indexed
column changes), ranked by BM25 with weights title 10, organization 5, description 1.
PostgreSQL: a stored generated tsvector column ``postings.search_vector`` (weights A/B/C)
with a GIN index, using the text search configuration ``aisj_english`` (English stemming
without dropping stop words, so "IT" or "AI" are searchable and match like on SQLite).
The description is indexed up to 100,000 characters (a tsvector holds at most 1 MB).

These objects are not in the models: aggregator.db.migrate.include_name hides them from
autogenerate. A later SQLite batch migration that recreates ``postings`` drops the
triggers: call ``create_sqlite_fts()`` again there.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "title, org_name, description_text"
NEW = "new.id, new.title, new.org_name, new.description_text"
OLD = "'delete', old.id, old.title, old.org_name, old.description_text"

SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE postings_fts USING fts5({COLUMNS}, content='postings',
        content_rowid='id', tokenize='porter unicode61')""",
    f"""CREATE TRIGGER postings_fts_insert AFTER INSERT ON postings BEGIN
        INSERT INTO postings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
    f"""CREATE TRIGGER postings_fts_delete AFTER DELETE ON postings BEGIN
        INSERT INTO postings_fts(postings_fts, rowid, {COLUMNS}) VALUES ({OLD}); END""",
    f"""CREATE TRIGGER postings_fts_update AFTER UPDATE OF {COLUMNS} ON postings BEGIN
        INSERT INTO postings_fts(postings_fts, rowid, {COLUMNS}) VALUES ({OLD});
        INSERT INTO postings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
    "INSERT INTO postings_fts(postings_fts) VALUES ('rebuild')",
    "INSERT INTO postings_fts(postings_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS postings_fts_update",
    "DROP TRIGGER IF EXISTS postings_fts_delete",
    "DROP TRIGGER IF EXISTS postings_fts_insert",
    "DROP TABLE IF EXISTS postings_fts",
]

PG_UP = [
    "CREATE TEXT SEARCH DICTIONARY aisj_english_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION aisj_english (COPY = english)",
    """ALTER TEXT SEARCH CONFIGURATION aisj_english ALTER MAPPING
        FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH aisj_english_stem""",
    """ALTER TABLE postings ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('aisj_english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('aisj_english'::regconfig, coalesce(org_name, '')), 'B')
        || setweight(to_tsvector('aisj_english'::regconfig,
                                 left(coalesce(description_text, ''), 100000)), 'C')
    ) STORED""",
    "CREATE INDEX ix_postings_search_vector ON postings USING gin (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_postings_search_vector",
    "ALTER TABLE postings DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS aisj_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS aisj_english_stem",
]


def create_sqlite_fts() -> None:
    for statement in SQLITE_UP:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        create_sqlite_fts()
    elif dialect == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else PG_DOWN:
        op.execute(statement)
