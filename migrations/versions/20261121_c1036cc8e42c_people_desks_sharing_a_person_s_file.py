"""people: desks sharing a person's file

Revision ID: c1036cc8e42c
Revises: 4f55faafb88f
Create Date: 2026-11-21 21:36:30.746390

"""
from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = 'c1036cc8e42c'
down_revision = '4f55faafb88f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_shared_desks',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_person_shared_desks_desk_id_desks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_shared_desks_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'desk_id', name=op.f('pk_person_shared_desks'))
    )
    with op.batch_alter_table('person_shared_desks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_shared_desks_desk_id'), ['desk_id'], unique=False)



def downgrade():
    with op.batch_alter_table('person_shared_desks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_shared_desks_desk_id'))

    op.drop_table('person_shared_desks')
