"""add users.session_epoch

Revision ID: c3d5e7f90a12
Revises: 9b31881beb2f
Create Date: 2026-11-29 19:10:00

A number that changes when an account is disabled: the session cookie carries it, so a
browser signed in before the account was disabled stays signed out when it is enabled again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f90a12'
down_revision = '9b31881beb2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
