"""conversation.screening (sealed) and conversation.assessment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add columns with every constraint in place; Alembic copies the table there
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("screening", sa.Text(), nullable=True))
        batch.add_column(sa.Column("assessment", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("assessment")
        batch.drop_column("screening")
