"""outbound claim lease and retry time; sweeper range indexes and swept_at

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_outbound_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_outbound_status_lease_until", ["status", "lease_until"], unique=False
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_cases_status_status_changed_at", ["status", "status_changed_at"], unique=False
        )
    with op.batch_alter_table("inbound_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("swept_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_inbound_mail_status_received_at", ["status", "received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_mail_status_received_at")
        batch_op.drop_column("swept_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_status_changed_at")
        batch_op.drop_column("swept_at")
    with op.batch_alter_table("outbound", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_status_lease_until")
        batch_op.drop_index("ix_outbound_status_next_attempt_at")
        batch_op.drop_column("swept_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
