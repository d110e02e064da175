"""cases: cases, tracks, plan, timeline, referrals, appointments

Revision ID: 8bf0137903a2
Revises: c1036cc8e42c
Create Date: 2026-11-21 21:40:07.567827

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = '8bf0137903a2'
down_revision = 'c1036cc8e42c'
branch_labels = None
depends_on = None


# The services most desks refer people to; admins add local ones and their contacts.
REFERRAL_SERVICES = (
    "Centro per l'impiego",
    "ASL - Servizi sanitari",
    "Consultorio familiare",
    "CPIA - Corsi di lingua italiana",
    "Questura - Ufficio immigrazione",
    "Prefettura - Sportello unico per l'immigrazione",
    "Progetto SAI (Sistema di accoglienza e integrazione)",
    "Servizi sociali del Comune",
    "Patronato / CAF",
    "Consulenza legale",
    "Centro antiviolenza",
    "Anagrafe comunale",
)


def upgrade():
    services = op.create_table('referral_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referral_services_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_referral_services_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_services')),
    sa.UniqueConstraint('name', name=op.f('uq_referral_services_name'))
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        services,
        [
            {"name": name, "contact": "", "active": True, "created_at": now, "updated_at": now}
            for name in REFERRAL_SERVICES
        ],
    )
    op.create_table('case_counters',
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_case_counters_desk_id_desks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('desk_id', 'year', name=op.f('pk_case_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'on_hold', 'closed', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.Enum('goals_reached', 'referred', 'moved', 'lost_contact', 'declined', 'other', name='closereason', native_enum=False, length=32), nullable=True),
    sa.Column('status_note', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['desk_id'], ['desks.id'], name=op.f('fk_cases_desk_id_desks')),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_cases_operator_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_cases_person_id_people')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_cases_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('desk_id', 'year', 'number', name=op.f('uq_cases_desk_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_desk_id_opened_on', ['desk_id', 'opened_on'], unique=False)
        batch_op.create_index('ix_cases_desk_id_status_opened_on', ['desk_id', 'status', 'opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_person_id'), ['person_id'], unique=False)

    op.create_table('case_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('with_whom', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('planned', 'done', 'missed', 'cancelled', name='appointmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_appointments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_appointments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_case_appointments_staff_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_case_appointments_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_appointments'))
    )
    with op.batch_alter_table('case_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_appointments_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_appointments_on_date_starts_at', ['on_date', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_appointments_staff_id'), ['staff_id'], unique=False)

    op.create_table('case_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('track', sa.Enum('housing', 'employment', 'mediation', 'permits', 'health', 'training', 'legal', name='trackkind', native_enum=False, length=32), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'achieved', 'not_achieved', 'dropped', name='goalstatus', native_enum=False, length=32), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_goals_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_goals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_case_goals_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_goals'))
    )
    with op.batch_alter_table('case_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_goals_case_id'), ['case_id'], unique=False)

    op.create_table('case_interventions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('interview', 'phone_call', 'email', 'whatsapp', 'accompaniment', 'referral', 'paperwork', name='interventionkind', native_enum=False, length=32), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'phone', 'email', 'video', 'message', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('track', sa.Enum('housing', 'employment', 'mediation', 'permits', 'health', 'training', 'legal', name='trackkind', native_enum=False, length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done_on', sa.Date(), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_interventions_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_interventions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_interventions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_case_interventions_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_interventions'))
    )
    with op.batch_alter_table('case_interventions', schema=None) as batch_op:
        batch_op.create_index('ix_case_interventions_case_id_occurred_on', ['case_id', 'occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_interventions_follow_up_on'), ['follow_up_on'], unique=False)

    op.create_table('case_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('track', sa.Enum('housing', 'employment', 'mediation', 'permits', 'health', 'training', 'legal', name='trackkind', native_enum=False, length=32), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'taken_in_charge', 'appointment_given', 'refused', 'no_show', 'withdrawn', name='referraloutcome', native_enum=False, length=32), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('created_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_referrals_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_referrals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['referral_services.id'], name=op.f('fk_case_referrals_service_id_referral_services')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_case_referrals_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_referrals'))
    )
    with op.batch_alter_table('case_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referrals_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referrals_service_id'), ['service_id'], unique=False)

    op.create_table('case_tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('housing', 'employment', 'mediation', 'permits', 'health', 'training', 'legal', name='trackkind', native_enum=False, length=32), nullable=False),
    sa.Column('stage', sa.Enum('assessment', 'active', 'waiting', 'completed', 'stopped', name='trackstage', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tracks_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tracks')),
    sa.UniqueConstraint('case_id', 'kind', name=op.f('uq_case_tracks_case_id'))
    )
    op.create_table('case_track_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('assessment', 'active', 'waiting', 'completed', 'stopped', name='trackstage', native_enum=False, length=32), nullable=False),
    sa.Column('changed_at', sportello.core.model.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_case_track_stage_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['track_id'], ['case_tracks.id'], name=op.f('fk_case_track_stage_changes_track_id_case_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_track_stage_changes'))
    )
    with op.batch_alter_table('case_track_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_track_stage_changes_track_id'), ['track_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_track_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_track_stage_changes_track_id'))

    op.drop_table('case_track_stage_changes')
    op.drop_table('case_tracks')
    with op.batch_alter_table('case_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_referrals_service_id'))
        batch_op.drop_index(batch_op.f('ix_case_referrals_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_case_referrals_case_id'))

    op.drop_table('case_referrals')
    with op.batch_alter_table('case_interventions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_interventions_follow_up_on'))
        batch_op.drop_index('ix_case_interventions_case_id_occurred_on')

    op.drop_table('case_interventions')
    with op.batch_alter_table('case_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_goals_case_id'))

    op.drop_table('case_goals')
    with op.batch_alter_table('case_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_appointments_staff_id'))
        batch_op.drop_index('ix_case_appointments_on_date_starts_at')
        batch_op.drop_index(batch_op.f('ix_case_appointments_case_id'))

    op.drop_table('case_appointments')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_person_id'))
        batch_op.drop_index(batch_op.f('ix_cases_operator_id'))
        batch_op.drop_index('ix_cases_desk_id_status_opened_on')
        batch_op.drop_index('ix_cases_desk_id_opened_on')

    op.drop_table('cases')
    op.drop_table('case_counters')
    op.drop_table('referral_services')
