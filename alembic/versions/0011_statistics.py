"""statistics: what the purge keeps of a conversation grows by the dimensions the statistics count (the hour it
started, staffed or not, the form of exploitation and age band the person gave, the positive indicator
dimensions, reports and additions), so that a purged conversation counts exactly as it did while live

Revision ID: 0011
Revises: 0009 (after 0010 once the reports' migration is merged: the merge sets down_revision)
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("hour", sa.SmallInteger(), nullable=True),
    sa.Column("staffed", sa.Boolean(), nullable=True),
    sa.Column("exploitation", sa.String(16), nullable=True),
    sa.Column("age_band", sa.String(16), nullable=True),
    sa.Column("dimensions", sa.String(40), nullable=True),
    sa.Column("reports", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("additions", sa.Integer(), nullable=False, server_default="0"),
)


def upgrade() -> None:
    with op.batch_alter_table("conversation_stat") as batch:
        for column in COLUMNS:
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("conversation_stat") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column.name)
