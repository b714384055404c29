"""Lookup keys for the read API, erasure tombstones, a 64-bit change-feed sequence.

``golden_key`` indexes every active golden record by its normalised emails,
phones and names, so lookups never scan ``golden_record``; it is filled here
from the records already stored. ``tombstone`` keeps keyed hashes of erased
people's identifiers; ``store_setting`` holds the store's hashing key.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_source") as batch:
        batch.add_column(sa.Column("erased", sa.Integer(), server_default="0", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("change_event", "seq", type_=sa.BigInteger(), existing_nullable=False)
    golden_key = op.create_table(
        "golden_key",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("golden_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", "golden_id", name=op.f("pk_golden_key")),
    )
    op.create_index(op.f("ix_golden_key_golden_id"), "golden_key", ["golden_id"])
    op.create_table(
        "tombstone",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("erasure_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "digest", name=op.f("pk_tombstone")),
    )
    op.create_table(
        "store_setting",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_setting")),
    )
    _fill_golden_keys(golden_key)


def _fill_golden_keys(golden_key: sa.Table) -> None:
    from core.store.lookup_keys import golden_keys

    bind = op.get_bind()
    records = sa.table(
        "golden_record", sa.column("golden_id"), sa.column("status"), sa.column("record", sa.JSON)
    )
    rows = bind.execute(
        sa.select(records.c.golden_id, records.c.record).where(records.c.status == "active")
    )
    batch: list[dict[str, str]] = []
    for golden_id, record in rows:
        batch.extend(golden_keys(golden_id, record))
        if len(batch) >= 5000:
            op.bulk_insert(golden_key, batch)
            batch = []
    if batch:
        op.bulk_insert(golden_key, batch)


def downgrade() -> None:
    op.drop_table("store_setting")
    op.drop_table("tombstone")
    op.drop_index(op.f("ix_golden_key_golden_id"), table_name="golden_key")
    op.drop_table("golden_key")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("change_event", "seq", type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table("run_source") as batch:
        batch.drop_column("erased")
