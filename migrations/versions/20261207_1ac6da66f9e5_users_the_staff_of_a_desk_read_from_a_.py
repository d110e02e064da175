"""users: the staff of a desk read from a small index (ids and names of active operators and
coordinators), not from every account

Revision ID: 1ac6da66f9e5
Revises: 6977157c20f9
Create Date: 2026-12-07 14:24:56.069808

"""
from alembic import op
import sqlalchemy as sa

import sportello.core.model


# revision identifiers, used by Alembic.
revision = '1ac6da66f9e5'
down_revision = '6977157c20f9'
branch_labels = None
depends_on = None


# Active operators and coordinators, as in sportello/auth/models.py.
STAFF = "active IS true AND role IN ('operator', 'coordinator')"


def upgrade():
    op.create_index(
        "ix_users_staff",
        "users",
        ["id", "name"],
        postgresql_where=sa.text(STAFF),
        sqlite_where=sa.text(STAFF),
    )


def downgrade():
    op.drop_index("ix_users_staff", table_name="users")
