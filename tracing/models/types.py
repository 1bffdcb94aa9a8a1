"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import mapped_column


def enum_column(enum: type[StrEnum], **kwargs: Any) -> Any:
    """A string column holding an enum's values (not names), without a native DB type.

    Values, not names, so the database reads like the PFIF and API vocabularies; no native
    enum, so adding a value never needs an ALTER TYPE on PostgreSQL.
    """
    return mapped_column(
        sa.Enum(
            enum,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


def _refuse_change(_mapper: Any, _connection: Any, target: Any) -> None:
    raise ValueError(f"{type(target).__name__} is append-only")


def append_only(cls: type[Any]) -> type[Any]:
    """Make the ORM refuse to update or delete rows of this model."""
    event.listen(cls, "before_update", _refuse_change)
    event.listen(cls, "before_delete", _refuse_change)
    return cls


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite would hand back naive ones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use tracing.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
