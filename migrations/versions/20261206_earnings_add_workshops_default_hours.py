"""add workshops.default_centihours

Revision ID: 5e1a9c0d7b42
Revises: 46cb1060ebaf
Create Date: 2026-12-06 08:00:00

A workshop's usual session length: a new session takes it, else the length of the
workshop's latest session, else the supervisor says (never a constant 3 h).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a9c0d7b42'
down_revision = '46cb1060ebaf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_centihours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_workshops_default_hours_range'),
            'default_centihours IS NULL OR (default_centihours > 0 AND default_centihours <= 1200)',
        )


def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_workshops_default_hours_range'), type_='check')
        batch_op.drop_column('default_centihours')
