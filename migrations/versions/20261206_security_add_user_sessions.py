"""add user_sessions

Revision ID: 5e7a1c9d2b40
Revises: c3d5e7f90a12
Create Date: 2026-12-06 08:00:00

One row per signed-in browser (the SHA-256 of the random key its cookie carries): signing
out deletes it, so a copied cookie stops working, and an idle session times out.
"""
from alembic import op
import sqlalchemy as sa

import atelier.db


# revision identifiers, used by Alembic.
revision = '5e7a1c9d2b40'
down_revision = 'c3d5e7f90a12'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', atelier.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', atelier.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
