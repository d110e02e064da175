"""people: household, vulnerabilities, consent records, attachments, merges

Revision ID: 1a1ca0113b04
Revises: 8bf0137903a2
Create Date: 2026-11-21 21:43:17.209260

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = '1a1ca0113b04'
down_revision = '8bf0137903a2'
branch_labels = None
depends_on = None

# The built-in vulnerability types: a stable code, and the English title the app translates.
BUILTIN_VULNERABILITIES = [
    ("unaccompanied_minor", "Unaccompanied minor"),
    ("trafficking", "Victim of trafficking"),
    ("disability", "Disability"),
    ("serious_illness", "Serious illness"),
    ("single_parent", "Single parent"),
    ("violence", "Survivor of violence"),
    ("elderly_alone", "Elderly person living alone"),
    ("pregnancy", "Pregnancy"),
    ("homeless", "Homeless"),
]


def upgrade():
    vulnerability_types = op.create_table('vulnerability_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_vulnerability_types_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_vulnerability_types_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vulnerability_types')),
    sa.UniqueConstraint('code', name=op.f('uq_vulnerability_types_code')),
    sa.UniqueConstraint('name', name=op.f('uq_vulnerability_types_name'))
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        vulnerability_types,
        [
            {"code": code, "name": name, "active": True, "version": 1, "created_at": now, "updated_at": now}
            for code, name in BUILTIN_VULNERABILITIES
        ],
    )
    op.create_table('household_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_person_id', sa.Integer(), nullable=False),
    sa.Column('second_person_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.Enum('spouse', 'child', 'parent', 'sibling', 'relative', 'housemate', name='relation', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('first_person_id < second_person_id', name=op.f('ck_household_links_ordered_pair')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_household_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['first_person_id'], ['people.id'], name=op.f('fk_household_links_first_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_person_id'], ['people.id'], name=op.f('fk_household_links_second_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_household_links_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_links')),
    sa.UniqueConstraint('first_person_id', 'second_person_id', name=op.f('uq_household_links_first_person_id'))
    )
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_links_second_person_id'), ['second_person_id'], unique=False)

    op.create_table('person_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('passport', 'permit', 'postal_receipt', 'consent_form', 'other', name='attachmentkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sportello.core.model.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_person_attachments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_person_attachments_deleted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_attachments_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_person_attachments_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_person_attachments_stored_name'))
    )
    with op.batch_alter_table('person_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_attachments_person_id'), ['person_id'], unique=False)

    op.create_table('person_vulnerabilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('until_date IS NULL OR until_date >= from_date', name=op.f('ck_person_vulnerabilities_dates_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_person_vulnerabilities_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_vulnerabilities_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['vulnerability_types.id'], name=op.f('fk_person_vulnerabilities_type_id_vulnerability_types')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_person_vulnerabilities_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_vulnerabilities'))
    )
    with op.batch_alter_table('person_vulnerabilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_vulnerabilities_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_vulnerabilities_type_id'), ['type_id'], unique=False)

    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('notice_version', sa.String(length=40), nullable=False),
    sa.Column('notice_language', sa.String(length=8), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('case_management', sa.Boolean(), nullable=False),
    sa.Column('partner_sharing', sa.Boolean(), nullable=False),
    sa.Column('contact_whatsapp', sa.Boolean(), nullable=False),
    sa.Column('contact_sms', sa.Boolean(), nullable=False),
    sa.Column('contact_email', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= signed_on', name=op.f('ck_consent_records_withdrawn_after_signed')),
    sa.ForeignKeyConstraint(['attachment_id'], ['person_attachments.id'], name=op.f('fk_consent_records_attachment_id_person_attachments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consent_records_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_consent_records_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_consent_records_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_attachment_id'), ['attachment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_records_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_people_merged_into_id'), ['merged_into_id'], unique=False,
            postgresql_where=sa.text('merged_into_id IS NOT NULL'), sqlite_where=sa.text('merged_into_id IS NOT NULL'),
        )
        batch_op.create_foreign_key(batch_op.f('fk_people_merged_into_id_people'), 'people', ['merged_into_id'], ['id'])



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_merged_into_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_people_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_records_person_id'))
        batch_op.drop_index(batch_op.f('ix_consent_records_attachment_id'))

    op.drop_table('consent_records')
    with op.batch_alter_table('person_vulnerabilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_vulnerabilities_type_id'))
        batch_op.drop_index(batch_op.f('ix_person_vulnerabilities_person_id'))

    op.drop_table('person_vulnerabilities')
    with op.batch_alter_table('person_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_attachments_person_id'))

    op.drop_table('person_attachments')
    with op.batch_alter_table('household_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_links_second_person_id'))

    op.drop_table('household_links')
    op.drop_table('vulnerability_types')
