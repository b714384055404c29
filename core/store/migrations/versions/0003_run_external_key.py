"""Runs remember the key of the scheduler run that started them (an Airflow run ID).

A retried task then joins its own run instead of starting another one.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("external_key", sa.String(length=250), nullable=True))
        batch.create_index("ix_run_kind_external_key", ["kind", "external_key"])


def downgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.drop_index("ix_run_kind_external_key")
        batch.drop_column("external_key")
