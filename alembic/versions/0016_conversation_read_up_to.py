"""conversation.read_up_to: the newest message the caseworker who holds the conversation has seen, so that the
console marks a held conversation in which the person wrote since as unread (handover/read_marks.py, walk 4 item 1).
Set at a claim or a transfer to the newest message then; held conversations already held start there too.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("read_up_to", sa.Integer, nullable=True))
    op.execute("UPDATE conversation SET read_up_to = (SELECT max(message.id) FROM message "
               "WHERE message.conversation_id = conversation.id) WHERE state = 'assigned'")


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("read_up_to")
