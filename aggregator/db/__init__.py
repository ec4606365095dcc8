"""Storage: SQLAlchemy models, engine and session factory, Alembic migrations."""

from aggregator.db.engine import open_database, session_factory

__all__ = ["open_database", "session_factory"]
