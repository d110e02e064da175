"""people: person registry, citizenships, languages, name keys

Revision ID: 4f55faafb88f
Revises: 221c5241e3e3
Create Date: 2026-11-21 21:08:14.770218

"""
from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = '4f55faafb88f'
down_revision = '221c5241e3e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('given_names', sa.String(length=120), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=False),
    sa.Column('given_names_original', sa.String(length=120), nullable=False),
    sa.Column('family_name_original', sa.String(length=120), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('sex', sa.Enum('F', 'M', 'X', name='sex', native_enum=False, length=32), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_date_precision', sa.Enum('exact', 'year', 'unknown', name='dateprecision', native_enum=False, length=32), nullable=False),
    sa.Column('country_of_birth', sa.String(length=2), nullable=False),
    sa.Column('preferred_language', sa.String(length=8), nullable=False),
    sa.Column('fiscal_code', sa.String(length=16), nullable=False),
    sa.Column('passport_number', sa.String(length=30), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('whatsapp', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=250), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('arrival_date', sa.Date(), nullable=True),
    sa.Column('permit_type', sa.Enum('employment', 'self_employment', 'family', 'study', 'job_seeking', 'eu_long_term', 'asylum', 'subsidiary', 'special', 'asylum_seeker', 'medical', 'minor', 'eu_family_card', 'other', name='permittype', native_enum=False, length=32), nullable=True),
    sa.Column('permit_number', sa.String(length=30), nullable=False),
    sa.Column('permit_issued_on', sa.Date(), nullable=True),
    sa.Column('permit_expires_on', sa.Date(), nullable=True),
    sa.Column('permit_questura', sa.String(length=80), nullable=False),
    sa.Column('permit_status', sa.Enum('valid', 'renewal_requested', 'expired', name='permitstatus', native_enum=False, length=32), nullable=True),
    sa.Column('permit_receipt_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_people_desk_id_desks')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_people_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_desk_id'), ['desk_id'], unique=False)
        batch_op.create_index('ix_people_desk_id_permit_expires_on', ['desk_id', 'permit_expires_on'], unique=False)
        batch_op.create_index('ix_people_family_name_given_names', ['family_name', 'given_names'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_fiscal_code'), ['fiscal_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_passport_number'), ['passport_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_permit_expires_on'), ['permit_expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_permit_number'), ['permit_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_phone'), ['phone'], unique=False)

    op.create_table('person_citizenships',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_citizenships_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'country', name=op.f('pk_person_citizenships'))
    )
    with op.batch_alter_table('person_citizenships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_citizenships_country'), ['country'], unique=False)

    op.create_table('person_languages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('level', sa.Enum('native', 'fluent', 'basic', name='languagelevel', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_languages_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_languages')),
    sa.UniqueConstraint('person_id', 'language', name=op.f('uq_person_languages_person_id'))
    )
    with op.batch_alter_table('person_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_languages_person_id'), ['person_id'], unique=False)

    op.create_table('person_name_keys',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_name_keys_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'key', name=op.f('pk_person_name_keys'))
    )
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_keys_key', ['key'], unique=False, postgresql_ops={'key': 'text_pattern_ops'})



def downgrade():
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_keys_key', postgresql_ops={'key': 'text_pattern_ops'})

    op.drop_table('person_name_keys')
    with op.batch_alter_table('person_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_languages_person_id'))

    op.drop_table('person_languages')
    with op.batch_alter_table('person_citizenships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_citizenships_country'))

    op.drop_table('person_citizenships')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_phone'))
        batch_op.drop_index(batch_op.f('ix_people_permit_number'))
        batch_op.drop_index(batch_op.f('ix_people_permit_expires_on'))
        batch_op.drop_index(batch_op.f('ix_people_passport_number'))
        batch_op.drop_index(batch_op.f('ix_people_fiscal_code'))
        batch_op.drop_index('ix_people_family_name_given_names')
        batch_op.drop_index('ix_people_desk_id_permit_expires_on')
        batch_op.drop_index(batch_op.f('ix_people_desk_id'))

    op.drop_table('people')
