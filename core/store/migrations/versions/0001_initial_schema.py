"""Initial schema: staging, quarantine, sync state, runs, golden records, matching, feed.

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "block_key",
        sa.Column("blocking_key", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("blocking_key", "source", "source_id", name=op.f("pk_block_key")),
    )
    op.create_index(
        op.f("ix_block_key_source_source_id"), "block_key", ["source", "source_id"], unique=False
    )

    op.create_table(
        "change_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("golden_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_event")),
    )
    op.create_index(op.f("ix_change_event_golden_id"), "change_event", ["golden_id"], unique=False)

    op.create_table(
        "golden_history",
        sa.Column("golden_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("provenance", JSON, nullable=False),
        sa.Column("members", JSON, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("golden_id", "version", name=op.f("pk_golden_history")),
    )
    op.create_table(
        "golden_record",
        sa.Column("golden_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into", sa.String(length=32), nullable=True),
        sa.Column("record", JSON, nullable=False),
        sa.Column("provenance", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_run_id", sa.Integer(), nullable=False),
        sa.Column("updated_run_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("golden_id", name=op.f("pk_golden_record")),
    )
    op.create_table(
        "match_decision",
        sa.Column("left_key", sa.String(length=320), nullable=False),
        sa.Column("right_key", sa.String(length=320), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("explanation", JSON, nullable=False),
        sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("left_key", "right_key", name=op.f("pk_match_decision")),
    )
    op.create_table(
        "quarantine",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("record_key", sa.String(length=255), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("seen_run_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "record_key", name=op.f("pk_quarantine")),
    )
    op.create_index(
        op.f("ix_quarantine_source_status"), "quarantine", ["source", "status"], unique=False
    )

    op.create_table(
        "review_task",
        sa.Column("task_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_key", sa.String(length=320), nullable=False),
        sa.Column("right_key", sa.String(length=320), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_run_id", sa.Integer(), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_review_task")),
        sa.UniqueConstraint(
            "left_key", "right_key", name=op.f("uq_review_task_left_key_right_key")
        ),
    )
    op.create_table(
        "run",
        sa.Column("run_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sources", JSON, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("golden_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("golden_updated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("golden_merged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("golden_deleted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("events", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run")),
    )
    op.create_table(
        "source_record",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("seen_run_id", sa.Integer(), nullable=False),
        sa.Column("changed_run_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_pending", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_id", name=op.f("pk_source_record")),
    )
    op.create_index(
        op.f("ix_source_record_resolve_pending"), "source_record", ["resolve_pending"], unique=False
    )
    op.create_index(
        op.f("ix_source_record_source_seen_run_id"),
        "source_record",
        ["source", "seen_run_id"],
        unique=False,
    )

    op.create_table(
        "sync_state",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("state", JSON, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "stream", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "xref",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("golden_id", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "source_id", name=op.f("pk_xref")),
    )
    op.create_index(op.f("ix_xref_golden_id"), "xref", ["golden_id"], unique=False)

    op.create_table(
        "run_source",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("read", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("staged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("quarantined", sa.Integer(), server_default="0", nullable=False),
        sa.Column("deleted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pending", sa.Integer(), server_default="0", nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["run.run_id"], name=op.f("fk_run_source_run_id_run")),
        sa.PrimaryKeyConstraint("run_id", "source", name=op.f("pk_run_source")),
    )


def downgrade() -> None:
    op.drop_table("run_source")
    op.drop_index(op.f("ix_xref_golden_id"), table_name="xref")

    op.drop_table("xref")
    op.drop_table("sync_state")
    op.drop_index(op.f("ix_source_record_source_seen_run_id"), table_name="source_record")
    op.drop_index(op.f("ix_source_record_resolve_pending"), table_name="source_record")

    op.drop_table("source_record")
    op.drop_table("run")
    op.drop_table("review_task")
    op.drop_index(op.f("ix_quarantine_source_status"), table_name="quarantine")

    op.drop_table("quarantine")
    op.drop_table("match_decision")
    op.drop_table("golden_record")
    op.drop_table("golden_history")
    op.drop_index(op.f("ix_change_event_golden_id"), table_name="change_event")

    op.drop_table("change_event")
    op.drop_index(op.f("ix_block_key_source_source_id"), table_name="block_key")

    op.drop_table("block_key")
