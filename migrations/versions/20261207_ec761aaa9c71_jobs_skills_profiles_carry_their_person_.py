"""jobs: skills profiles carry their person's desk

Revision ID: ec761aaa9c71
Revises: 5c1e0a7b2d94
Create Date: 2026-12-07 03:23:31.803649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ec761aaa9c71'
down_revision = '5c1e0a7b2d94'
branch_labels = None
depends_on = None

MATCHING_DESK = [
    'desk_id', 'stage', 'italian_rank', 'travel', 'province', 'municipality_key', 'hours', 'nights', 'weekends',
    'licences', 'updated_at', 'id',
]


def upgrade():
    # The column first, filled from each profile's person, then required.
    with op.batch_alter_table('job_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE job_profiles SET desk_id = (SELECT people.desk_id FROM people WHERE people.id = job_profiles.person_id)"
    )
    with op.batch_alter_table('job_profiles', schema=None) as batch_op:
        batch_op.alter_column('desk_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_job_profiles_desk_stage', ['desk_id', 'stage', 'updated_at', 'id', 'person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_job_profiles_desk_id_desks'), 'desks', ['desk_id'], ['id'])
        # Matching reads a desk's profiles, no longer each person's in turn.
        batch_op.drop_index('ix_job_profiles_matching')
        batch_op.create_index('ix_job_profiles_matching', [*MATCHING_DESK, 'person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job_profiles', schema=None) as batch_op:
        batch_op.drop_index('ix_job_profiles_matching')
        batch_op.create_index('ix_job_profiles_matching', ['person_id', *MATCHING_DESK[1:]], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_job_profiles_desk_id_desks'), type_='foreignkey')
        batch_op.drop_index('ix_job_profiles_desk_stage')
        batch_op.drop_column('desk_id')
