"""The team page's links: each count opens the case list filtered by the same condition
that counted it (casework.work_selectors.team_column, the case list's `work` filter)."""

from __future__ import annotations

from django import template

from casework.filters import team_cases_url
from casework.work_selectors import TeamRow

register = template.Library()


@register.simple_tag
def team_cases(column: str, row: TeamRow | None = None) -> str:
    """The case list of one count: of a row (a member, or the queue), or of the whole hub."""
    if row is None:
        return team_cases_url(column)
    return team_cases_url(column, holder=row.member.pk if row.member else "none")
