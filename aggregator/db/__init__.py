"""Storage: SQLAlchemy models, engine and session factory, Alembic migrations.

May import only the foundations (settings, errors) and, if it must, normalize. Never
spiders, store or anything above.
"""

from aggregator.db.engine import open_database, session_factory

__all__ = ["open_database", "session_factory"]
