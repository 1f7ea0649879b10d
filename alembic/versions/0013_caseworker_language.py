"""caseworker.language: the language a caseworker chose for the console (da or en); empty until they choose, when
the console follows their browser's Accept-Language (handover/console_words.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import sqlalchemy as sa

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("caseworker") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("caseworker") as batch:
        batch.drop_column("language")
