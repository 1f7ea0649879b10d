"""job_lease and telegram_update: several `havn app` on one PostgreSQL database (docs/scale.md "Instances"): which
instance runs a periodic job until when, and the Telegram updates already taken in (a retried webhook is answered
once)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import sqlalchemy as sa

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_lease",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("holder", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "telegram_update",
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_telegram_update_received_at", "telegram_update", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_telegram_update_received_at", "telegram_update")
    op.drop_table("telegram_update")
    op.drop_table("job_lease")
