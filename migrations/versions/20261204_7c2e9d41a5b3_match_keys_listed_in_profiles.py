"""match keys listed in each profile; the key table loses its index by record

Revision ID: 7c2e9d41a5b3
Revises: 5bcdb67fe10f
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa
from alembic import op

revision: str = "7c2e9d41a5b3"
down_revision: str | None = "5bcdb67fe10f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_match_keys_record_id_person_records"
_INDEX = "ix_match_keys_record_id"


def _pack(keys: list[int]) -> bytes:
    # as tracing.services.linking.pack_keys (a migration keeps its own copy of the format)
    return b"".join(k.to_bytes(8, "little", signed=True) for k in sorted(keys))


def upgrade() -> None:
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_hashes", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    profiles = sa.table("match_profiles", sa.column("record_id"), sa.column("key_hashes"))
    connection.execute(profiles.update().values(key_hashes=b""))
    # each record's keys, read through the index by record while it is still there
    rows = connection.execute(
        sa.text("SELECT record_id, key_hash FROM match_keys ORDER BY record_id")
    )
    listed = [
        {"rid": record_id, "keys": _pack([key for _, key in group])}
        for record_id, group in groupby(rows, key=itemgetter(0))
    ]
    if listed:
        connection.execute(
            profiles.update()
            .where(profiles.c.record_id == sa.bindparam("rid"))
            .values(key_hashes=sa.bindparam("keys")),
            listed,
        )
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.alter_column("key_hashes", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("match_keys", schema=None) as batch_op:
        batch_op.drop_index(_INDEX)
        batch_op.drop_constraint(_FK, type_="foreignkey")


def downgrade() -> None:
    # keys of records since deleted would break the foreign key
    op.execute("DELETE FROM match_keys WHERE record_id NOT IN (SELECT id FROM person_records)")
    with op.batch_alter_table("match_keys", schema=None) as batch_op:
        batch_op.create_foreign_key(
            _FK, "person_records", ["record_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(_INDEX, ["record_id"], unique=False)
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.drop_column("key_hashes")
