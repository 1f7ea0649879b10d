"""webchat_session: when a web chat session was last used, and whether it was ended (refused after DELETE)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webchat_session",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_webchat_session_expires_at", "webchat_session", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_webchat_session_expires_at", table_name="webchat_session")
    op.drop_table("webchat_session")
