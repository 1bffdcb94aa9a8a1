"""Alembic environment: the URL comes from the app's configuration; batch mode for SQLite."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from tracing import models  # noqa: F401 - registers every table on the metadata
from tracing.config import load_config
from tracing.db import Base, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _options(dialect_name: str) -> dict[str, object]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "compare_server_default": True,
        "user_module_prefix": "tracing.models.types.",
    }


def run_offline() -> None:
    url = config.attributes.get("url") or load_config()["DATABASE_URL"]
    context.configure(url=url, literal_binds=True, **_options(url.split(":")[0].split("+")[0]))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed in by the tests
        context.configure(connection=connection, **_options(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.attributes.get("url") or load_config()["DATABASE_URL"])
    with engine.connect() as conn:
        context.configure(connection=conn, **_options(conn.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
