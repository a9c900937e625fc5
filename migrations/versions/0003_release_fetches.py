"""release fetches: the archives `consultant data update` downloaded

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 20:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('release_fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=30), nullable=False),
    sa.Column('release_name', sa.String(length=100), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=200), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_fetches'))
    )
    with op.batch_alter_table('release_fetches', schema=None) as batch_op:
        batch_op.create_index('ix_release_fetches_product_effective', ['product', 'effective_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('release_fetches', schema=None) as batch_op:
        batch_op.drop_index('ix_release_fetches_product_effective')
    op.drop_table('release_fetches')
