"""What every part of Sportello shares: model base, permissions, audit, i18n, errors."""

from flask import Flask


def init_app(app: Flask) -> None:
    from sportello.core.forms import form_field, use_fast_html_params
    from sportello.core.views import bp

    use_fast_html_params()
    app.register_blueprint(bp)
    # The ``field`` of templates/macros/forms.html.
    app.jinja_env.globals["form_field"] = form_field
