"""Forms of the offers side of housing: the owners' roster and its filters, an offer with its
rooms, the offers list's filters, and an offer's status."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from sportello.core.forms import MoneyField, NoHiddenCharacters, Within, select_choices
from sportello.core.i18n import lazy_gettext as _l
from sportello.housing import offers
from sportello.housing.models import Condition, OfferKind, OfferStatus, RoomKind

CLEAN = NoHiddenCharacters()
# Empty room rows offered for adding; "Add a row" offers one more.
ROOM_ROWS_TO_ADD = 2
# Rows read from a submission: more than the rule allows, so too many rooms get a message.
MAX_ROW_ENTRIES = offers.MAX_ROOMS + 10
# A new offer starts with the rooms most homes have; a row without an area is skipped.
STARTING_ROOMS = (RoomKind.BEDROOM, RoomKind.BEDROOM, RoomKind.LIVING, RoomKind.KITCHEN, RoomKind.BATHROOM)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeasureField(DecimalField):
    """A measure in m² or metres as desks type it: "14", "14.5" or "14,5"; empty if unknown.
    A text box, not a number one: browsers read a decimal comma differently."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = str(valuelist[0]).replace("m²", "").replace("m2", "").replace(" ", "").replace("\u00a0", "").strip()
        if raw == "":
            self.data = None
            return
        raw = raw.replace(",", ".")
        try:
            value = Decimal(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else None
        except InvalidOperation:
            value = None
        if value is None or value != value.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(_l("Enter a number with at most two decimals, like 14,5."))
        self.data = value


_MEASURE = {"inputmode": "decimal", "dir": "ltr"}
_MONEY = {"inputmode": "decimal", "dir": "ltr"}


# ---- owners ----------------------------------------------------------------------------------


class LandlordFilterForm(FlaskForm):
    """Filters of the owners' roster (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"), filters=[_strip], validators=[Optional(), Length(max=160), CLEAN])
    kind = SelectField(
        _l("Kind"), choices=select_choices([("", _l("Any kind")), *OfferKind.choices()]), validators=[Optional()]
    )
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    status = SelectField(
        _l("Shown"),
        choices=select_choices([("active", _l("Active owners")), ("all", _l("All"))]),
        default="active",
        validators=[Optional()],
    )


class LandlordForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the owner's name.")), Length(max=160), CLEAN],
        description=_l("A person, an estate agency, a housing company or an association."),
    )
    kind = SelectField(
        _l("Kind"),
        choices=select_choices([("", "—"), *OfferKind.choices()]),
        validators=[DataRequired(_l("Choose the kind of owner."))],
    )
    phone = StringField(
        _l("Phone"), filters=[_strip], validators=[Optional(), Length(max=40)], render_kw={"type": "tel", "dir": "ltr"}
    )
    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[Optional(), Length(max=254), Email(_l("Enter a valid email address, like name@example.org."))],
        render_kw={"dir": "ltr"},
    )
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()


# ---- offers ----------------------------------------------------------------------------------


class OfferFilterForm(FlaskForm):
    """Filters of the offers list (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=select_choices([("", _l("Any status")), *OfferStatus.choices()]),
        default="available",
        validators=[Optional()],
    )
    kind = SelectField(
        _l("Kind"), choices=select_choices([("", _l("Any kind")), *OfferKind.choices()]), validators=[Optional()]
    )
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[Optional(), Length(max=120), CLEAN])
    people = IntegerField(
        _l("People it may house"),
        validators=[Optional(), NumberRange(1, 30, _l("Enter a number of people from 1 to 30."))],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )
    max_rent = MoneyField(
        _l("Rent up to (euro)"),
        places=2,
        validators=[Optional(), Within(0, offers.MAX_RENT, _l("Enter a rent from 0 to 20,000 euro."))],
        render_kw=_MONEY,
    )
    available_by = DateField(_l("Available by"), validators=[Optional()])
    sort = SelectField(
        _l("Order"),
        choices=select_choices(
            [
                ("", _l("Newest first")),
                ("rent", _l("Rent, lowest first")),
                ("-rent", _l("Rent, highest first")),
                ("available", _l("Available soonest")),
            ]
        ),
        validators=[Optional()],
    )


class RoomRow(Form):
    kind = SelectField(_l("Room"), choices=select_choices([("", "—"), *RoomKind.choices()]), validators=[Optional()])
    area = MeasureField(
        _l("Area (m²)"),
        places=2,
        validators=[Optional(), Within(Decimal("0.01"), offers.MAX_AREA, offers.ROOM_AREA_RANGE)],
        render_kw=_MEASURE,
    )

    @property
    def is_blank(self) -> bool:
        """A row without an area is skipped (the kind alone says nothing)."""
        return self.area.data is None and not any(str(v).strip() for v in self.area.raw_data or [])


class OfferForm(FlaskForm):
    landlord_id = SelectField(
        _l("Owner"),
        validators=[Optional()],
        description=_l("Add the owner to the owners' list first if they are not there."),
    )
    kind = SelectField(
        _l("Kind"),
        choices=select_choices([("", "—"), *OfferKind.choices()]),
        validators=[DataRequired(_l("Choose the kind of offer."))],
    )
    address = StringField(
        _l("Address"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the address.")), Length(max=250), CLEAN],
    )
    municipality = StringField(
        _l("Municipality"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the municipality.")), Length(max=120), CLEAN],
    )
    rent = MoneyField(
        _l("Monthly rent (euro)"),
        places=2,
        validators=[
            InputRequired(offers.RENT_RANGE),
            Within(Decimal("0"), offers.MAX_RENT, offers.RENT_RANGE),
        ],
        render_kw=_MONEY,
    )
    deposit = MoneyField(
        _l("Deposit (euro)"),
        places=2,
        validators=[Optional(), Within(0, offers.MAX_DEPOSIT, offers.DEPOSIT_RANGE)],
        render_kw=_MONEY,
    )
    total_area = MeasureField(
        _l("Floor area (m²)"),
        places=2,
        validators=[InputRequired(offers.AREA_RANGE), Within(Decimal("0.01"), offers.MAX_AREA, offers.AREA_RANGE)],
        render_kw=_MEASURE,
        description=_l("The whole home's floor area, walls excluded, as in the floor plan."),
    )
    studio = BooleanField(_l("One-room flat"), description=_l("One room for living and sleeping, with a bathroom."))
    ceiling_height = MeasureField(
        _l("Ceiling height (m)"),
        places=2,
        validators=[Optional(), Within(offers.MIN_HEIGHT, offers.MAX_HEIGHT, offers.HEIGHT_RANGE)],
        render_kw=_MEASURE,
    )
    floor = IntegerField(
        _l("Floor"),
        validators=[Optional(), NumberRange(offers.MIN_FLOOR, offers.MAX_FLOOR, offers.FLOOR_RANGE)],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
        description=_l("0 for the ground floor, -1 for a basement."),
    )
    lift = BooleanField(_l("Lift"))
    accessible = BooleanField(
        _l("Step-free access"), description=_l("From the street or with a lift, for a wheelchair.")
    )
    available_from = DateField(
        _l("Available from"), validators=[InputRequired(_l("Enter the date the home is available from."))]
    )
    conditions = Checkboxes(_l("Conditions"), choices=select_choices(Condition.choices()), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=select_choices(OfferStatus.choices()), default=OfferStatus.AVAILABLE.value
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000), CLEAN], render_kw={"rows": 3})
    rooms = FieldList(FormField(RoomRow), label=_l("Rooms"), max_entries=MAX_ROW_ENTRIES)
    version = HiddenField()

    def set_choices(self, landlords) -> None:
        self.landlord_id.choices = select_choices(
            [("", _l("No owner recorded")), *((str(landlord.id), landlord.name) for landlord in landlords)]
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        used = [row for row in self.rooms if not row.is_blank]
        for row in used:
            if not row.kind.data:
                row.kind.errors = [*row.kind.errors, _l("Choose the kind of room.")]
                valid = False
        if len(used) > offers.MAX_ROOMS:
            self.rooms.errors = [*self.rooms.errors, str(offers.TOO_MANY_ROOMS)]
            return False
        total = self.total_area.data
        if total is None or self.total_area.errors:
            return valid
        areas = [row.area.data for row in used if row.area.data is not None and not row.area.errors]
        for row in used:
            if row.area.data is not None and not row.area.errors and row.area.data > total:
                row.area.errors = [*row.area.errors, offers.ROOM_TOO_LARGE]
                valid = False
        if valid and sum(areas, Decimal("0")) > total:
            self.rooms.errors = [*self.rooms.errors, str(offers.rooms_too_large(sum(areas, Decimal("0"))))]
            valid = False
        return valid

    def room_rows(self) -> list[tuple[str, Decimal]]:
        return [(row.kind.data, row.area.data) for row in self.rooms if not row.is_blank]


class OfferStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=select_choices(OfferStatus.choices()))
    version = HiddenField()
