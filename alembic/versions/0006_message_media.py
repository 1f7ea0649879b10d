"""media a person sent: message.media_kind, message.media_file (sealed)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("media_kind", sa.String(16), nullable=True))
    op.add_column("message", sa.Column("media_file", sa.Text(), nullable=True))  # sealed (core/sealed.py)


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("media_file")
        batch.drop_column("media_kind")
