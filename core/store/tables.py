"""The store's tables. Schema changes go through Alembic migrations (``migrations/``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)

Json = sa.JSON().with_variant(JSONB(), "postgresql")
#: 64-bit on PostgreSQL; SQLite's INTEGER is 64-bit already and only it auto-increments.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)

run = sa.Table(
    "run",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("sources", Json, nullable=False),
    sa.Column("started_at", Stamp, nullable=False),
    sa.Column("finished_at", Stamp),
    sa.Column("message", sa.Text),
    sa.Column("golden_created", sa.Integer, nullable=False, server_default="0"),
    sa.Column("golden_updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("golden_merged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("golden_deleted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("events", sa.Integer, nullable=False, server_default="0"),
    sa.Column("external_key", sa.String(250)),
    sa.Index(None, "kind", "external_key"),
)

run_source = sa.Table(
    "run_source",
    metadata,
    sa.Column("run_id", sa.ForeignKey("run.run_id"), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("read", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("staged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("quarantined", sa.Integer, nullable=False, server_default="0"),
    sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pending", sa.Integer, nullable=False, server_default="0"),
    sa.Column("erased", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
    # staged records of the run that carry field issues (a part of ``staged``)
    sa.Column("with_field_issues", sa.Integer, nullable=False, server_default="0"),
)

source_record = sa.Table(
    "source_record",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Column("stream", sa.String(64), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("record", Json, nullable=False),
    sa.Column("source_updated_at", Stamp),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("first_run_id", sa.Integer, nullable=False),
    sa.Column("seen_run_id", sa.Integer, nullable=False),
    sa.Column("changed_run_id", sa.Integer, nullable=False),
    sa.Column("changed_at", Stamp, nullable=False),
    sa.Column("resolve_pending", sa.Boolean, nullable=False),
    sa.Index(None, "source", "seen_run_id"),
    sa.Index(None, "resolve_pending"),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("record_key", sa.String(255), primary_key=True),
    sa.Column("source_id", sa.String(255)),
    sa.Column("stream", sa.String(64), nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("payload", Json, nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("reasons", Json, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("first_run_id", sa.Integer, nullable=False),
    sa.Column("seen_run_id", sa.Integer, nullable=False),
    sa.Column("seen_at", Stamp, nullable=False),
    sa.Index(None, "source", "status"),
)

#: A defective value set aside from a staged record (``quality.field_issues``): the record
#: was kept; the value is stored masked (the payload keeps it as read); ``value_key`` tells
#: two defective values of one field apart without storing them.
field_issue = sa.Table(
    "field_issue",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Column("field", sa.String(64), primary_key=True),
    sa.Column("value_key", sa.String(16), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("check", sa.String(64), nullable=False),
    sa.Column("first_run_id", sa.Integer, nullable=False),
    sa.Column("seen_run_id", sa.Integer, nullable=False),
    sa.Column("seen_at", Stamp, nullable=False),
    sa.Index(None, "source", "field"),
)

sync_state = sa.Table(
    "sync_state",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("stream", sa.String(64), primary_key=True),
    sa.Column("state", Json, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("updated_at", Stamp, nullable=False),
)

golden_record = sa.Table(
    "golden_record",
    metadata,
    sa.Column("golden_id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("merged_into", sa.String(32)),
    sa.Column("record", Json, nullable=False),
    sa.Column("provenance", Json, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_run_id", sa.Integer, nullable=False),
    sa.Column("updated_run_id", sa.Integer, nullable=False),
    sa.Column("created_at", Stamp, nullable=False),
    sa.Column("updated_at", Stamp, nullable=False),
)

xref = sa.Table(
    "xref",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Column("golden_id", sa.String(32), nullable=False, index=True),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("linked_at", Stamp, nullable=False),
)

block_key = sa.Table(
    "block_key",
    metadata,
    sa.Column("blocking_key", sa.String(255), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Index(None, "source", "source_id"),
)

match_decision = sa.Table(
    "match_decision",
    metadata,
    sa.Column("left_key", sa.String(320), primary_key=True),
    sa.Column("right_key", sa.String(320), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("explanation", Json, nullable=False),
    sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("run_id", sa.Integer),
    sa.Column("decided_at", Stamp, nullable=False),
)

review_task = sa.Table(
    "review_task",
    metadata,
    sa.Column("task_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("left_key", sa.String(320), nullable=False),
    sa.Column("right_key", sa.String(320), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_run_id", sa.Integer, nullable=False),
    sa.Column("resolved_by", sa.String(64)),
    sa.Column("resolved_at", Stamp),
    sa.UniqueConstraint("left_key", "right_key"),
)

golden_history = sa.Table(
    "golden_history",
    metadata,
    sa.Column("golden_id", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("change", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("record", Json, nullable=False),
    sa.Column("provenance", Json, nullable=False),
    sa.Column("members", Json, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("recorded_at", Stamp, nullable=False),
)

change_event = sa.Table(
    "change_event",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("golden_id", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("detail", Json, nullable=False),
    sa.Column("recorded_at", Stamp, nullable=False),
)

steward_action = sa.Table(
    "steward_action",
    metadata,
    sa.Column("action_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("target", sa.String(320), nullable=False),
    sa.Column("detail", Json, nullable=False),
    sa.Column("recorded_at", Stamp, nullable=False),
)

api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("created_at", Stamp, nullable=False),
    sa.Column("last_used_at", Stamp),
    sa.Column("revoked_at", Stamp),
)

golden_key = sa.Table(
    "golden_key",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),  # email, phone, name
    sa.Column("value", sa.String(320), primary_key=True),
    sa.Column("golden_id", sa.String(32), primary_key=True),
    sa.Index(None, "golden_id"),
)

tombstone = sa.Table(
    "tombstone",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),  # source_key, email, name_phone
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("erasure_id", sa.Integer, nullable=False),
    sa.Column("created_at", Stamp, nullable=False),
)

store_setting = sa.Table(
    "store_setting",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

payload_profile = sa.Table(
    "payload_profile",
    metadata,
    sa.Column("run_id", sa.ForeignKey("run.run_id"), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("fields", Json, nullable=False),
    sa.Column("profiled_at", Stamp, nullable=False),
)

quality_check = sa.Table(
    "quality_check",
    metadata,
    sa.Column("run_id", sa.ForeignKey("run.run_id"), primary_key=True),
    sa.Column("scope", sa.String(64), primary_key=True),  # a source, or "*" for the store
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("observed", Json, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("examples", Json, nullable=False),
    sa.Column("checked_at", Stamp, nullable=False),
)

quality_result = sa.Table(
    "quality_result",
    metadata,
    sa.Column("run_id", sa.ForeignKey("run.run_id"), primary_key=True),
    sa.Column("suite", sa.String(128), primary_key=True),
    sa.Column("result", Json, nullable=False),
    sa.Column("validated_at", Stamp, nullable=False),
)
