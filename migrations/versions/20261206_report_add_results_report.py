"""add the Results report: layouts, pillars, rows, parts; figures in indicator_targets

Revision ID: 46cb1060ebaf
Revises: 7d2f4a9c1e55
Create Date: 2026-12-06 08:00:00

One store for figures: indicator_targets keeps every built-in target as it was (part "",
same key, site, programme, target, remarks) and gains ``part`` (a report part's key),
``result`` (a figure entered by hand) and a ``target`` that may be blank.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '46cb1060ebaf'
down_revision = '7d2f4a9c1e55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_layouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_layouts')),
    sa.UniqueConstraint('year_from', name=op.f('uq_report_layouts_year_from'))
    )
    op.create_table('report_pillars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layout_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['layout_id'], ['report_layouts.id'], name=op.f('fk_report_pillars_layout_id_report_layouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_pillars'))
    )
    with op.batch_alter_table('report_pillars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_pillars_layout_id'), ['layout_id'], unique=False)

    op.create_table('report_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pillar_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.String(length=16), nullable=True),
    sa.Column('workshop_kind', sa.String(length=16), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("measure IS NULL OR measure IN ('participants', 'hours', 'sessions')", name=op.f('ck_report_rows_measure')),
    sa.ForeignKeyConstraint(['pillar_id'], ['report_pillars.id'], name=op.f('fk_report_rows_pillar_id_report_pillars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_report_rows_programme_id_programmes')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_report_rows_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_rows'))
    )
    with op.batch_alter_table('report_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_rows_pillar_id'), ['pillar_id'], unique=False)

    op.create_table('report_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_report_parts_programme_id_programmes')),
    sa.ForeignKeyConstraint(['row_id'], ['report_rows.id'], name=op.f('fk_report_parts_row_id_report_rows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_report_parts_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_parts'))
    )
    with op.batch_alter_table('report_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_parts_row_id'), ['row_id'], unique=False)

    # the existing targets stay where they are: part "" and result blank
    with op.batch_alter_table('indicator_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('result', sa.Integer(), nullable=True))
        batch_op.alter_column('target', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint('uq_indicator_targets_year_key_site_programme', type_='unique')
        batch_op.create_unique_constraint(
            'uq_indicator_targets_year_key_part_site_programme',
            ['year', 'key', 'part', 'site_id', 'programme_id'],
            postgresql_nulls_not_distinct=True,
        )


def downgrade():
    # figures of report rows (not built-in targets) have no place in the old table
    builtin = "('vocational_participants', 'training_hours', 'life_skills_participants', " \
              "'parenting_participants', 'pieces_produced', 'pieces_sold', 'makers_paid')"
    op.execute(f"DELETE FROM indicator_targets WHERE part <> '' OR key NOT IN {builtin} "
               "OR target IS NULL")
    with op.batch_alter_table('indicator_targets', schema=None) as batch_op:
        batch_op.drop_constraint('uq_indicator_targets_year_key_part_site_programme', type_='unique')
        batch_op.create_unique_constraint(
            'uq_indicator_targets_year_key_site_programme',
            ['year', 'key', 'site_id', 'programme_id'],
            postgresql_nulls_not_distinct=True,
        )
        batch_op.alter_column('target', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('result')
        batch_op.drop_column('part')

    with op.batch_alter_table('report_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_parts_row_id'))
    op.drop_table('report_parts')
    with op.batch_alter_table('report_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_rows_pillar_id'))
    op.drop_table('report_rows')
    with op.batch_alter_table('report_pillars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pillars_layout_id'))
    op.drop_table('report_pillars')
    op.drop_table('report_layouts')
