"""people: the name key index also holds the person id, so searches read the index alone

Revision ID: 5b2e7c9d41a0
Revises: 0b55775d2ddb
Create Date: 2026-11-22 00:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b2e7c9d41a0'
down_revision = '0b55775d2ddb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_keys_key', postgresql_ops={'key': 'text_pattern_ops'})
        batch_op.create_index(
            'ix_person_name_keys_key', ['key', 'person_id'], unique=False, postgresql_ops={'key': 'text_pattern_ops'}
        )


def downgrade():
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_keys_key', postgresql_ops={'key': 'text_pattern_ops'})
        batch_op.create_index('ix_person_name_keys_key', ['key'], unique=False, postgresql_ops={'key': 'text_pattern_ops'})
