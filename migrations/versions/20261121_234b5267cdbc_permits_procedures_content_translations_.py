"""permits: procedures, content translations, checklists, links

Revision ID: 234b5267cdbc
Revises: 1a1ca0113b04
Create Date: 2026-11-21 22:42:10.084574

"""
from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = '234b5267cdbc'
down_revision = '1a1ca0113b04'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_languages', sa.JSON(), nullable=False, server_default='[]'))

    op.create_table('content_strings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('context', sa.String(length=60), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_strings')),
    sa.UniqueConstraint('key', name=op.f('uq_content_strings_key'))
    )
    op.create_table('content_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('string_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'reviewed', name='translationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sportello.core.model.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_content_translations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_content_translations_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['string_id'], ['content_strings.id'], name=op.f('fk_content_translations_string_id_content_strings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_content_translations_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translations')),
    sa.UniqueConstraint('string_id', 'language', name=op.f('uq_content_translations_string_id'))
    )
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_translations_language'), ['language'], unique=False)

    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('latest_number', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_procedures_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_procedures_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('code', name=op.f('uq_procedures_code'))
    )
    op.create_table('procedure_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_procedure_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_procedure_versions_procedure_id_procedures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_versions')),
    sa.UniqueConstraint('procedure_id', 'number', name=op.f('uq_procedure_versions_procedure_id'))
    )
    op.create_table('checklists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('procedure_version_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('preparing', 'filed', 'closed', name='checkliststatus', native_enum=False, length=32), nullable=False),
    sa.Column('filing_on', sa.Date(), nullable=True),
    sa.Column('filing_place', sa.Enum('post_office', 'questura', 'prefettura', 'municipality', name='filingplace', native_enum=False, length=32), nullable=True),
    sa.Column('filing_note', sa.Text(), nullable=False),
    sa.Column('items_total', sa.Integer(), nullable=False),
    sa.Column('items_ready', sa.Integer(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_checklists_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_checklists_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['procedure_version_id'], ['procedure_versions.id'], name=op.f('fk_checklists_procedure_version_id_procedure_versions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_checklists_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklists'))
    )
    with op.batch_alter_table('checklists', schema=None) as batch_op:
        batch_op.create_index('ix_checklists_case_id_status', ['case_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklists_filing_on'), ['filing_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklists_procedure_version_id'), ['procedure_version_id'], unique=False)

    op.create_table('checklist_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('to_bring', 'collected', 'verified', 'not_applicable', name='itemstatus', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checklist_id'], ['checklists.id'], name=op.f('fk_checklist_items_checklist_id_checklists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_checklist_items_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_checklist_items_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_items')),
    sa.UniqueConstraint('checklist_id', 'code', name=op.f('uq_checklist_items_checklist_id'))
    )
    op.create_table('checklist_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sportello.core.model.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_count', sa.Integer(), nullable=False),
    sa.Column('last_opened_at', sportello.core.model.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['checklist_id'], ['checklists.id'], name=op.f('fk_checklist_links_checklist_id_checklists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_checklist_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_checklist_links_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_links')),
    sa.UniqueConstraint('nonce', name=op.f('uq_checklist_links_nonce'))
    )
    with op.batch_alter_table('checklist_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_links_checklist_id'), ['checklist_id'], unique=False)



def downgrade():
    with op.batch_alter_table('checklist_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_links_checklist_id'))

    op.drop_table('checklist_links')
    op.drop_table('checklist_items')
    with op.batch_alter_table('checklists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklists_procedure_version_id'))
        batch_op.drop_index(batch_op.f('ix_checklists_filing_on'))
        batch_op.drop_index('ix_checklists_case_id_status')

    op.drop_table('checklists')
    op.drop_table('procedure_versions')
    op.drop_table('procedures')
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_translations_language'))

    op.drop_table('content_translations')
    op.drop_table('content_strings')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('review_languages')
