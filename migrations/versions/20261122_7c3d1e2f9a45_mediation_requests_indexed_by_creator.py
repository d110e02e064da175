"""mediation: requests indexed by who created them, for the operator's sessions to confirm

Revision ID: 7c3d1e2f9a45
Revises: 5b2e7c9d41a0
Create Date: 2026-11-22 01:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3d1e2f9a45'
down_revision = '5b2e7c9d41a0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mediation_requests', schema=None) as batch_op:
        batch_op.create_index('ix_mediation_requests_created_by_id', ['created_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mediation_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_requests_created_by_id')
