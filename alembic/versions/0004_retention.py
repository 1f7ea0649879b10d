"""retention: anonymous statistics rows and pending Rasa tracker erasures

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_stat",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tier", sa.String(2), nullable=True),
        sa.Column("assessment", sa.String(32), nullable=True),
        sa.Column("indicators", sa.String(400), nullable=True),
        sa.Column("first_reply_seconds", sa.Integer(), nullable=True),
    )
    op.create_table(
        "tracker_erasure",
        sa.Column("conversation_id", sa.String(32), primary_key=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tracker_erasure")
    op.drop_table("conversation_stat")
