"""add shop_requests, plans, plan_lines, markdown_rules and receipt indexes

Revision ID: 5d3e8a61c0b7
Revises: 5e1b7a9d2c40
Create Date: 2026-12-06 08:00:00

The demand loop: shops ask for products, the atelier plans its week, and each shop's
markdown rules lower the price of pieces that stay long on the shelf.
"""
from alembic import op
import sqlalchemy as sa

from atelier.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '5d3e8a61c0b7'
down_revision = '5e1b7a9d2c40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shop_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('product_type_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_mime', sa.String(length=32), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity BETWEEN 1 AND 500', name=op.f('ck_shop_requests_quantity_range')),
    sa.CheckConstraint("status IN ('open', 'planned', 'done', 'declined')", name=op.f('ck_shop_requests_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_shop_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_shop_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['product_type_id'], ['product_types.id'], name=op.f('fk_shop_requests_product_type_id_product_types')),
    sa.ForeignKeyConstraint(['shop_id'], ['sites.id'], name=op.f('fk_shop_requests_shop_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_requests'))
    )
    with op.batch_alter_table('shop_requests', schema=None) as batch_op:
        batch_op.create_index('ix_shop_requests_status_shop_id', ['status', 'shop_id'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('saved_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_plans_saved_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_plans_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('site_id', 'week', name=op.f('uq_plans_site_id'))
    )
    op.create_table('plan_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('product_type_id', sa.Integer(), nullable=False),
    sa.Column('suggested', sa.Integer(), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.CheckConstraint('planned BETWEEN 0 AND 10000', name=op.f('ck_plan_lines_planned_range')),
    sa.CheckConstraint('suggested >= 0', name=op.f('ck_plan_lines_suggested_not_negative')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_lines_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_type_id'], ['product_types.id'], name=op.f('fk_plan_lines_product_type_id_product_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_lines')),
    sa.UniqueConstraint('plan_id', 'product_type_id', name=op.f('uq_plan_lines_plan_id'))
    )
    op.create_table('markdown_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('after_days', sa.Integer(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.CheckConstraint('after_days >= 0', name=op.f('ck_markdown_rules_after_days_not_negative')),
    sa.CheckConstraint('discount_bp > 0 AND discount_bp < 10000', name=op.f('ck_markdown_rules_discount_range')),
    sa.ForeignKeyConstraint(['shop_id'], ['sites.id'], name=op.f('fk_markdown_rules_shop_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_markdown_rules')),
    sa.UniqueConstraint('shop_id', 'after_days', name=op.f('uq_markdown_rules_shop_id'))
    )
    with op.batch_alter_table('markdown_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_markdown_rules_shop_id'), ['shop_id'], unique=False)

    # receipts only: how long a piece has been on the shelf, per piece and by time
    with op.batch_alter_table('item_events', schema=None) as batch_op:
        batch_op.create_index('ix_item_events_received_item', ['item_id', 'site_id', 'at'],
                              unique=False, sqlite_where=sa.text("kind = 'received'"),
                              postgresql_where=sa.text("kind = 'received'"))
        batch_op.create_index('ix_item_events_received_at', ['at'], unique=False,
                              sqlite_where=sa.text("kind = 'received'"),
                              postgresql_where=sa.text("kind = 'received'"))


def downgrade():
    with op.batch_alter_table('item_events', schema=None) as batch_op:
        batch_op.drop_index('ix_item_events_received_at')
        batch_op.drop_index('ix_item_events_received_item')
    with op.batch_alter_table('markdown_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_markdown_rules_shop_id'))
    op.drop_table('markdown_rules')
    op.drop_table('plan_lines')
    op.drop_table('plans')
    with op.batch_alter_table('shop_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_shop_requests_status_shop_id')
    op.drop_table('shop_requests')
