"""add erasures (the erasure ledger: ids and dates, no names)

Revision ID: 5e1b7a9d2c40
Revises: 5e1a9c0d7b42
Create Date: 2026-12-06 08:10:00

One row per anonymisation, so that a restore from an older backup can erase again whoever
was forgotten since.
"""
from alembic import op
import sqlalchemy as sa

import atelier.db


# revision identifiers, used by Alembic.
revision = '5e1b7a9d2c40'
down_revision = '5e1a9c0d7b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erasures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('beneficiary_id', sa.Integer(), nullable=False),
        sa.Column('maker_code', sa.String(length=16), nullable=False),
        sa.Column('erased_at', atelier.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasures')),
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_beneficiary_id'), ['beneficiary_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasures_beneficiary_id'))
    op.drop_table('erasures')
