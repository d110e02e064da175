"""Exceptions services raise for views to turn into messages."""

from __future__ import annotations

from typing import Any


class FieldError(Exception):
    """A rule broken by one field's value; the view shows ``message`` next to that field."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FieldErrors(Exception):
    """Several fields broke rules at once; the view shows each message next to its field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class ErrorList:
    """Collects the field errors of one form so it shows all its problems at once; the first
    message for a field is the one shown."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: Any) -> None:
        self.append(FieldError(field, message))

    def append(self, error: FieldError) -> None:
        if not any(known.field == error.field for known in self.errors):
            self.errors.append(error)

    def raise_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


class RuleError(Exception):
    """A rule broken by the request as a whole; the view shows ``message`` at the top."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message
