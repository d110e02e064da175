"""A page of results ranked in Python (fuzzy search), shaped like Flask-SQLAlchemy's pages so
the same pager macro shows both."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any


class ListPage:
    def __init__(self, items: Sequence[Any], page: int, per_page: int) -> None:
        self.total = len(items)
        self.per_page = per_page
        self.pages = max(1, math.ceil(self.total / per_page))
        self.page = min(max(1, page), self.pages)
        start = (self.page - 1) * per_page
        self.items = list(items[start : start + per_page])

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number <= self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


class SlicePage:
    """A page of an ever-growing list (the audit trail) without counting all its rows:
    one extra row tells whether there is a next page."""

    def __init__(self, session: Any, query: Any, page: int, per_page: int) -> None:
        self.page = max(1, page)
        self.per_page = per_page
        rows = list(session.scalars(query.limit(per_page + 1).offset((self.page - 1) * per_page)))
        self.has_next = len(rows) > per_page
        self.items = rows[:per_page]
        self.has_prev = self.page > 1
        self.prev_num = self.page - 1 if self.has_prev else None
        self.next_num = self.page + 1 if self.has_next else None
