"""outbound: when an attempt may have left a copy with the relay

Revision ID: wt12f_outbound_maybe_accepted
Revises: wt10_search_trigram

An attempt that ended without the relay's answer to the message (its worker died holding
the claim, or the connection broke after the final dot) may have been accepted. The row
remembers it, so that a later refusal makes it ``uncertain`` instead of ``failed``.
"""

import sqlalchemy as sa
from alembic import op

revision = "wt12f_outbound_maybe_accepted"
down_revision = "wt10_search_trigram"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("maybe_accepted_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound", schema=None) as batch_op:
        batch_op.drop_column("maybe_accepted_at")
