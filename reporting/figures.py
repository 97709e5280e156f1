"""The figures of a quarterly return, one per (section, breakdown, category): what the tidy
CSV writes (`reporting.return_csv`) and what a revision compares (`reporting.versions`).

Written over the return's payload generically, so a section added to the return
(`reporting.returns.quarterly_return`) is in the CSV and in the comparison without a change
here:

- every top-level value that is a mapping is a *section* (`flow`, `breakdowns`, ...); the
  other top-level values (year, period, rules, generated at, ...) are the return's metadata;
- inside a section, a mapping with `cells` (a list of `{category, value}`) is a *breakdown*:
  one figure per cell, then its `total`, flagged (`is_total`);
- a number directly in a section is a figure of the breakdown `all` (the section not broken
  down); a mapping of numbers is a breakdown named by its key (nested keys joined with ".");
- text (titles, labels, descriptions) and true/false are not figures.

A value is a whole number, `reporting.returns.SUPPRESSED` for a hidden cell, a fraction for a
rate (a float, e.g. `supported_rate`), or None (a rate with nothing to divide by).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from reporting.suppression import SUPPRESSED

# The breakdown of the figures directly in a section, not broken down.
WHOLE = "all"
# The category of a breakdown's total (the sum of its cells, exact).
TOTAL = "total"

Value = int | float | str | None


@dataclass(frozen=True)
class Figure:
    section: str
    breakdown: str
    category: str
    value: Value
    is_total: bool = False
    is_rate: bool = False  # a share from 0 to 1 (None: nothing to divide by, or hidden)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.section, self.breakdown, self.category)


def _is_value(value: object) -> bool:
    return value is None or (isinstance(value, int | float | str) and not isinstance(value, bool))


def _breakdown(section: str, name: str, breakdown: Mapping) -> Iterator[Figure]:
    for cell in breakdown["cells"]:
        if isinstance(cell, Mapping) and "category" in cell and _is_value(cell.get("value")):
            yield Figure(section, name, str(cell["category"]), cell.get("value"))
    total = breakdown.get("total")
    if (isinstance(total, int) and not isinstance(total, bool)) or total == "*":
        yield Figure(section, name, TOTAL, total, is_total=True)
    # An outcome figure's rates (reporting.outcomes): worked out from the counts shown.
    for rate in breakdown.get("rates", []):
        if isinstance(rate, Mapping) and "category" in rate and _is_value(rate.get("value")):
            yield Figure(section, name, str(rate["category"]), rate.get("value"), is_rate=True)


def _walk(section: str, path: tuple[str, ...], node: Mapping) -> Iterator[Figure]:
    name = ".".join(path) or WHOLE
    if isinstance(node.get("cells"), list):
        yield from _breakdown(section, name, node)
        return
    nested = []
    for key, value in node.items():
        if isinstance(value, Mapping):
            nested.append((key, value))
        elif value is None or value == SUPPRESSED or (
            isinstance(value, int | float) and not isinstance(value, bool)
        ):
            yield Figure(section, name, str(key), value)
    for key, value in nested:
        yield from _walk(section, (*path, str(key)), value)


def figures(payload: Mapping) -> list[Figure]:
    """Every figure of the return, in the payload's order."""
    found: list[Figure] = []
    for section, node in payload.items():
        if isinstance(node, Mapping):
            found.extend(_walk(str(section), (), node))
    return found


def changes(before: Mapping, after: Mapping) -> list[dict]:
    """What differs between two returns of the same quarter, figure by figure, in the newer
    one's order (then any figure it no longer has): `{section, breakdown, category, from,
    to}`, None for a figure one of them does not have. Metadata (when it was generated, the
    rules' wording) is not compared."""
    old = {figure.key: figure.value for figure in figures(before)}
    new = {figure.key: figure.value for figure in figures(after)}
    keys = list(new) + [key for key in old if key not in new]
    return [
        {"section": key[0], "breakdown": key[1], "category": key[2],
         "from": old.get(key), "to": new.get(key)}
        for key in keys
        if key not in old or key not in new or old[key] != new[key]
    ]
