"""Shared form rendering: the field with its label, help and errors; selects of fixed lists."""

from __future__ import annotations

from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired

from sportello.cases.forms import StageForm
from sportello.cases.models import TrackStage
from sportello.core.forms import LongSelect, form_field, select_choices


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired()], description="As in the passport")
    agreed = BooleanField("Agreed")
    desk = SelectField("Desk", widget=LongSelect())


def test_field_has_its_label_help_and_errors(app):
    with app.test_request_context("/?lang=en"):
        form = _Form(formdata=None)
        html = form_field(form.name, "col-md-6")
        assert html.startswith('<div class="mb-3 col-md-6">')
        assert '<label class="form-label" for="name">Name</label>' in html
        assert 'aria-describedby="name-help"' in html and 'class="form-control"' in html
        assert '<div class="form-text" id="name-help">As in the passport</div>' in html
        assert "invalid-feedback" not in html

        form.name.errors = ["Enter the name.", "<b>not bold</b>"]
        html = form_field(form.name)
        assert 'aria-describedby="name-help name-error" aria-invalid="true" class="form-control is-invalid"' in html
        assert (
            '<div class="invalid-feedback d-block" id="name-error">Enter the name. &lt;b&gt;not bold&lt;/b&gt;</div>'
        ) in html

        html = form_field(form.agreed)
        assert '<div class="form-check">' in html
        assert '<input class="form-check-input" id="agreed" name="agreed" type="checkbox" value="y">' in html
        assert '<label class="form-check-label" for="agreed">Agreed</label>' in html


def test_select_of_a_fixed_list_follows_the_language_and_the_choices(app):
    with app.test_request_context("/"):
        # The same declared choices, rendered in turn in two languages.
        for language in ("en", "it", "en", "it"):
            with force_locale(language):
                html = StageForm(formdata=None, stage="waiting").stage()
                assert f">{TrackStage.ASSESSMENT.title}</option>" in html
                assert '<option value="waiting" selected>' in html
                assert (">Needs assessment</option>" in html) == (language == "en")

        form = _Form(formdata=None)
        form.desk.choices = select_choices([("1", "North"), ("2", "South")])
        assert ">North</option>" in form.desk()
        form = _Form(formdata=None, desk="3")
        form.desk.choices = select_choices([("1", "North"), ("3", "East")])
        html = form.desk()
        assert ">North</option>" in html and ">South</option>" not in html
        assert '<option value="3" selected>East</option>' in html


def test_html_params_writes_what_wtforms_writes(app):
    import wtforms.widgets
    import wtforms.widgets.core
    from markupsafe import Markup

    from sportello.core.forms import WTFORMS_HTML_PARAMS, html_params

    cases = [
        {},
        {"name": "note", "id": "intervention-note", "class_": "form-control is-invalid"},
        {"type": "date", "value": "2026-12-07", "required": True, "disabled": False},
        {"value": 'He said "no" & <left>', "data_role": "x", "aria_describedby": "a-help a-error"},
        {"value": Markup('already <b>"safe"</b>'), "placeholder": "‏عربي‎", "min": 0, "step": 1.5},
        {"for_": "x", "aria_invalid": "true", "data_some_thing": None, "multiple": True},
        {'odd"key': "v", "lang": "ar"},
    ]
    for kwargs in cases:
        assert html_params(**kwargs) == WTFORMS_HTML_PARAMS(**kwargs), kwargs
        assert isinstance(html_params(**kwargs), Markup)
    # The places WTForms' widgets look it up in use ours once the app is made.
    assert wtforms.widgets.core.html_params is html_params
    assert wtforms.widgets.html_params is html_params
    assert wtforms.widgets.core.Input.html_params is html_params
    assert wtforms.widgets.core.Button.html_params is html_params
    assert WTFORMS_HTML_PARAMS is not html_params


def test_blank_fields_keep_the_most_recently_used(app):
    from sportello.cases.forms import GoalForm
    from sportello.core.forms import BlankFields

    kept = BlankFields("cases/_add_forms.html", size=2)
    built = []

    def make(name):
        def form():
            built.append(name)
            return GoalForm(formdata=None)

        return form

    with app.test_request_context("/?lang=en"):
        first = kept.blank("goal", ("a",), make("a"))
        assert 'id="goal-description"' in first and ">Goal</label>" in first
        kept.blank("goal", ("b",), make("b"))
        assert kept.blank("goal", ("a",), make("a")) is first  # used again: now the newest
        kept.blank("goal", ("c",), make("c"))  # the oldest, "b", gives way
        kept.blank("goal", ("a",), make("a"))
        kept.blank("goal", ("b",), make("b"))
    assert built == ["a", "b", "c", "b"]
