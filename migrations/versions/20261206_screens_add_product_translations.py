"""add product_types.translations

Revision ID: 7d2f4a9c1e55
Revises: 5e7a1c9d2b40
Create Date: 2026-12-06 08:45:00

A product type's name and description per language (makers read ro/uk, shoppers nl).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2f4a9c1e55'
down_revision = '5e7a1c9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('product_types', schema=None) as batch_op:
        batch_op.drop_column('translations')
