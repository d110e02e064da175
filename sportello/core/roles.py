"""The roles a user can have. What each may do is decided by the models' scoping helpers."""

from sportello.core.i18n import lazy_gettext as _l
from sportello.core.model import LabelledEnum


class Role(LabelledEnum):
    # Everything, on every desk of the installation.
    ADMIN = "admin", _l("Administrator")
    # Their desks: people, cases, reports, approvals, the desks' audit trail.
    COORDINATOR = "coordinator", _l("Coordinator")
    # The people and cases of their desks.
    OPERATOR = "operator", _l("Operator")
    # Only their own mediation requests and sessions, with the minimum about the person.
    MEDIATOR = "mediator", _l("Mediator")
