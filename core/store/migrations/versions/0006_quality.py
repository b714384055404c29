"""Quality: per run and source payload profiles, check results and raw GE results.

``payload_profile`` is what schema drift compares from one run to the next;
``quality_check`` holds each check's outcome so a report can be rebuilt for
any run; ``quality_result`` keeps Great Expectations' own results of recent
runs, from which Data Docs are built.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "payload_profile",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("profiled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.run_id"], name=op.f("fk_payload_profile_run_id_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "source", name=op.f("pk_payload_profile")),
    )
    op.create_table(
        "quality_check",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("observed", JSON, nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("examples", JSON, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.run_id"], name=op.f("fk_quality_check_run_id_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "scope", "name", name=op.f("pk_quality_check")),
    )
    op.create_table(
        "quality_result",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("suite", sa.String(length=128), nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.run_id"], name=op.f("fk_quality_result_run_id_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "suite", name=op.f("pk_quality_result")),
    )


def downgrade() -> None:
    op.drop_table("quality_result")
    op.drop_table("quality_check")
    op.drop_table("payload_profile")
