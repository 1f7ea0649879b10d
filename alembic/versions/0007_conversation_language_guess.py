"""conversation.language_guess: what a language taken from an unsure message rests on, until confirmed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: conversations that exist already keep their language as confirmed.
    op.add_column("conversation", sa.Column("language_guess", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("language_guess")
