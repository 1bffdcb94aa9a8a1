"""record exchange: API tokens, import batches, revisions, duplicate links, PFIF fields

Revision ID: 5bcdb67fe10f
Revises: 46bad6ba9b54
Create Date: 2026-11-25 17:57:33.740250
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tracing.models.types

revision: str = "5bcdb67fe10f"
down_revision: str | None = "46bad6ba9b54"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracing.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", tracing.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", tracing.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_api_tokens_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_api_tokens_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_org_id"), ["org_id"], unique=False)

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "format",
            sa.Enum("csv", "jsonl", "pfif", name="importformat", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("active_sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "preview",
                "queued",
                "done",
                "failed",
                "reverted",
                name="batchstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("note_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracing.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", tracing.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reverted_at", tracing.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reverted_by_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_import_batches_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_import_batches_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["reverted_by_id"], ["users.id"], name=op.f("fk_import_batches_reverted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_import_batches_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint(
            "org_id", "active_sha256", name=op.f("uq_import_batches_org_id_active_sha256")
        ),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_org_id"), ["org_id"], unique=False)

    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("linked_source_record_id", sa.String(length=200), nullable=False),
        sa.Column("linked_record_id", sa.Integer(), nullable=True),
        sa.Column("source_note_id", sa.String(length=200), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracing.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_record_links_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_record_id"],
            ["person_records.id"],
            name=op.f("fk_record_links_linked_record_id_person_records"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["person_records.id"],
            name=op.f("fk_record_links_record_id_person_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint(
            "record_id",
            "linked_source_record_id",
            name=op.f("uq_record_links_record_id_linked_source_record_id"),
        ),
    )
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_links_linked_record_id"), ["linked_record_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_links_record_id"), ["record_id"], unique=False)

    op.create_table(
        "record_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "created",
                "updated",
                "reverted",
                name="revisionaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", tracing.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_record_revisions_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_record_revisions_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["person_records.id"],
            name=op.f("fk_record_revisions_record_id_person_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_record_revisions_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_revisions")),
    )
    with op.batch_alter_table("record_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_revisions_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_revisions_record_id"), ["record_id"], unique=False
        )

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_actor_token_id_api_tokens"),
            "api_tokens",
            ["actor_token_id"],
            ["id"],
        )

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_note_id", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("source_date", tracing.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pfif_details", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_case_events_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_case_events_record_id_source_note_id"), ["record_id", "source_note_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_events_import_batch_id_import_batches"),
            "import_batches",
            ["import_batch_id"],
            ["id"],
        )

    with op.batch_alter_table("person_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("source_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("author_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("author_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("author_phone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("home_street", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("home_neighborhood", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("home_city", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("home_state", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("home_postal_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("home_country", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("photo_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("profile_urls", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("expiry_date", tracing.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_person_records_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(
            "ix_person_records_org_updated", ["org_id", "updated_at", "id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_person_records_import_batch_id_import_batches"),
            "import_batches",
            ["import_batch_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("person_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_person_records_import_batch_id_import_batches"), type_="foreignkey"
        )
        batch_op.drop_index("ix_person_records_org_updated")
        batch_op.drop_index(batch_op.f("ix_person_records_import_batch_id"))
        batch_op.drop_column("expiry_date")
        batch_op.drop_column("profile_urls")
        batch_op.drop_column("photo_url")
        batch_op.drop_column("home_country")
        batch_op.drop_column("home_postal_code")
        batch_op.drop_column("home_state")
        batch_op.drop_column("home_city")
        batch_op.drop_column("home_neighborhood")
        batch_op.drop_column("home_street")
        batch_op.drop_column("author_phone")
        batch_op.drop_column("author_email")
        batch_op.drop_column("author_name")
        batch_op.drop_column("source_url")
        batch_op.drop_column("source_name")
        batch_op.drop_column("import_batch_id")

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_events_import_batch_id_import_batches"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_case_events_record_id_source_note_id"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_case_events_import_batch_id"))
        batch_op.drop_column("pfif_details")
        batch_op.drop_column("import_batch_id")
        batch_op.drop_column("source_date")
        batch_op.drop_column("source_note_id")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_actor_token_id_api_tokens"), type_="foreignkey"
        )
        batch_op.drop_column("actor_token_id")

    with op.batch_alter_table("record_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_revisions_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_revisions_batch_id"))

    op.drop_table("record_revisions")
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_links_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_links_linked_record_id"))

    op.drop_table("record_links")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_org_id"))

    op.drop_table("import_batches")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_org_id"))

    op.drop_table("api_tokens")
