"""Forms of login, the user's own account, and account and desk administration."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from sportello.core.forms import select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.core.roles import Role


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True, "dir": "ltr"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(min=10, max=128, message=_l("Use between 10 and 128 characters.")),
        ],
        description=_l("At least 10 characters. A short sentence is easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("new_password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Interface language"), validators=[Optional()])


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a group of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    name = StringField(
        _l("Full name"), filters=[_strip], validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)]
    )
    email = StringField(
        _l("Email (used to sign in)"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter an email address.")),
            Length(max=254),
            Email(_l("Enter a valid email address, like name@example.org.")),
        ],
        render_kw={"dir": "ltr"},
    )
    role = SelectField(_l("Role"), choices=select_choices(Role.choices()), validators=[DataRequired()])
    desks = SelectMultipleField(
        _l("Desks"), coerce=int, description=_l("Administrators may have none; everyone else needs at least one.")
    )
    language = SelectField(_l("Interface language"), validators=[Optional()])
    review_languages = CheckboxesField(
        _l("Content languages this person translates and reviews"),
        validators=[Optional()],
        description=_l(
            "For coordinators and mediators: they edit and review the translations of checklists and "
            "leaflets in these languages. Administrators may edit every language, operators none."
        ),
    )
    version = HiddenField()


class DeskForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[_strip], validators=[DataRequired(_l("Enter the desk's name.")), Length(max=120)]
    )
    code = StringField(
        _l("Code"),
        filters=[_strip, lambda v: v.upper() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Enter a short code.")),
            Regexp(r"^[A-Z]{2,8}$", message=_l("Use 2 to 8 letters, without spaces or digits.")),
        ],
        description=_l("Two to eight letters, used in case numbers such as RA-2026-000123."),
        render_kw={"dir": "ltr"},
    )
    municipality = StringField(
        _l("Municipality"), filters=[_strip], validators=[DataRequired(_l("Enter the municipality.")), Length(max=120)]
    )
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), Length(max=250)])
    phone = StringField(
        _l("Phone"), filters=[_strip], validators=[Optional(), Length(max=40)], render_kw={"dir": "ltr", "type": "tel"}
    )
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address, like name@example.org."))],
        render_kw={"dir": "ltr"},
    )
    opening_hours = TextAreaField(
        _l("Opening hours"),
        validators=[Optional(), Length(max=2000)],
        description=_l("As people should read them, one line per day or group of days."),
        render_kw={"rows": 4},
    )
    print_header = TextAreaField(
        _l("Header of printed documents"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Printed at the top of checklists and letters, for instance the promoting body and project."),
        render_kw={"rows": 3},
    )
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()
