"""audit: job referrals recorded under their own record type

Job referrals were recorded as "Referral", the record type of a case's referral to an outside
service. Their entries are told apart by the fields they hold (an offer, a status, a note, ...;
a case referral has a service, a reason and an outcome) and renamed "JobReferral".

Revision ID: 5c1e0a7b2d94
Revises: 49e38513895b
Create Date: 2026-12-07 03:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e0a7b2d94"
down_revision = "49e38513895b"
branch_labels = None
depends_on = None

JOB_REFERRAL_FIELDS = {
    "offer_id",
    "status",
    "status_on",
    "interview_on",
    "contract_type",
    "starts_on",
    "ends_on",
    "note",
}

audit = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("object_type", sa.String),
    sa.column("changes", sa.JSON),
)


def _rename(old: str, new: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(audit.c.id, audit.c.changes).where(audit.c.object_type == old)).all()
    ids = [row.id for row in rows if JOB_REFERRAL_FIELDS & set(row.changes or {})]
    for start in range(0, len(ids), 500):
        connection.execute(
            sa.update(audit).where(audit.c.id.in_(ids[start : start + 500])).values(object_type=new)
        )


def upgrade():
    _rename("Referral", "JobReferral")


def downgrade():
    _rename("JobReferral", "Referral")
