"""rate_count: the counters of the rate limits (core/limits.py), shared by every app instance

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_count",
        sa.Column("key", sa.String(100), nullable=False),  # "scope:keyed hash of the source"
        sa.Column("slot", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "slot"),
    )
    op.create_index("ix_rate_count_expires_at", "rate_count", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_count_expires_at", table_name="rate_count")
    op.drop_table("rate_count")
