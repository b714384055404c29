"""Field issues: defective values set aside from staged records, and their count per run.

A record with one defective field is staged, no longer quarantined; the value
is recorded here (masked) so it is counted, reported and re-checked.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_issue",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value_key", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("check", sa.String(length=64), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("seen_run_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "source", "source_id", "field", "value_key", name=op.f("pk_field_issue")
        ),
    )
    op.create_index(
        op.f("ix_field_issue_source_field"), "field_issue", ["source", "field"], unique=False
    )
    with op.batch_alter_table("run_source") as batch:
        batch.add_column(
            sa.Column("with_field_issues", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("run_source") as batch:
        batch.drop_column("with_field_issues")
    op.drop_index(op.f("ix_field_issue_source_field"), table_name="field_issue")
    op.drop_table("field_issue")
