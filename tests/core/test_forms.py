"""The shared form helpers."""

import pytest
from markupsafe import Markup

from sportello.core.forms import WTFORMS_HTML_PARAMS, html_params

ATTRIBUTES = [
    {},
    {"name": "q", "id": "q", "type": "text", "value": ""},
    {"class_": "form-control is-invalid", "aria_describedby": "q-help q-error", "aria_invalid": "true"},
    {"for_": "field", "class": "form-label"},
    {"checked": True, "readonly": False, "disabled": True, "name": "x"},
    {"data_some_thing": "a_b", "value": 'He said "hi" & <left>'},
    {"value": Markup('<b class="x">bold</b>'), "title": Markup("safe &amp; sound")},
    {"min": 0, "max": 960, "rows": 3, "value": None, "step": 0.5},
    {"value": "مرحبا", "lang": "ar", "dir": "rtl", "placeholder": "'quoted'"},
]


@pytest.mark.parametrize("attributes", ATTRIBUTES)
def test_html_params_matches_wtforms(attributes):
    ours, theirs = html_params(**attributes), WTFORMS_HTML_PARAMS(**attributes)
    assert ours == theirs
    assert isinstance(ours, Markup)


def test_widgets_use_it(app):
    import wtforms.widgets
    from wtforms import Form, StringField, SubmitField, TextAreaField

    assert wtforms.widgets.core.html_params is html_params and wtforms.widgets.html_params is html_params
    assert wtforms.widgets.core.Input.html_params is html_params

    class F(Form):
        name = StringField("Name", default='a "b"')
        note = TextAreaField("Note")
        go = SubmitField("Go")

    form = F()
    assert str(form.name(class_="c")) == '<input class="c" id="name" name="name" type="text" value="a &#34;b&#34;">'
    assert str(form.note(rows=2)) == '<textarea id="note" name="note" rows="2">\r\n</textarea>'
    assert str(form.go()) == '<input id="go" name="go" type="submit" value="Go">'
    assert str(form.name.label(class_="form-label")) == '<label class="form-label" for="name">Name</label>'
