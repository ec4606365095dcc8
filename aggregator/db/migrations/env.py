"""Alembic environment: the engine comes from aggregator.db.migrate; batch mode for SQLite."""

from alembic import context

from aggregator.db.migrate import include_name
from aggregator.db.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
        # UTCDateTime lives in aggregator.db.base; revisions import aggregator.db.models.
        user_module_prefix="aggregator.db.models.",
    )
    with context.begin_transaction():
        context.run_migrations()
