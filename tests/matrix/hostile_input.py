"""What the hostile-form walk (tests/matrix/test_hostile_forms.py) sends and what it checks
was saved: a snapshot of every table of the hub, a form's fields read from its page, and the
hostile values for each field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

# --- Nothing saved: every table of the hub, counted and summed ------------------------------

# The hub's own apps, the folders at the top of the checkout (a new app is in at once).
PROJECT_APPS = tuple(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).resolve().parent == Path(settings.BASE_DIR).resolve()
)
# Tables a refused request may change, and why. AccessLog records every read of a person's
# record, and the page that shows a form's errors is a read. (Sessions, Axes's sign-in attempts
# and the OTP devices' failure counts are outside the hub's apps, so never counted.)
MAY_CHANGE = {"audit.AccessLog"}


def _tables() -> list[tuple[str, str]]:
    tables = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in MAY_CHANGE or not model._meta.managed:
                continue
            tables.append((model._meta.db_table, model._meta.pk.column))
    return tables


def snapshot() -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row in key order)}: any insert, update or delete shows."""
    quote = connection.ops.quote_name
    # Table and column names from the models, quoted: no input reaches this SQL.
    rows = "md5(coalesce(string_agg(t::text, '|' ORDER BY t.{}), ''))"
    parts = [
        f"SELECT %s, count(*), {rows.format(quote(pk))} FROM {quote(table)} t"  # noqa: S608
        for table, pk in _tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [table for table, _ in _tables()])
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed(before: dict, after: dict) -> list[str]:
    return [
        f"{table}: {before[table][0]} -> {after[table][0]} rows"
        for table in before
        if before[table] != after[table]
    ]


# --- The form's fields, as its page shows them ----------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, date, time, number, id, choice, choices, date parts ("date3"), tick
    maxlength: int | None = None
    values: list[str] = field(default_factory=list)


class _FormFields(HTMLParser):
    """The fields of the page's forms that post to `action` (or to the page itself), and what
    a browser would send for them as the page is: `values`, a list per field name."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, Field] = {}
        self.values: dict[str, list[str]] = {}
        self.select: Field | None = None
        self.selected: list[str] = []
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("method") or "get").lower() == "post" and (
                a.get("action") in (None, "", self.action)
            )
            return
        if tag == "option" and self.select is not None and a.get("value") is not None:
            self.select.values.append(a["value"])
            if "selected" in a:
                self.selected.append(a["value"])
            return
        name = a.get("name")
        if not self.inside or not name or name == "csrfmiddlewaretoken":
            return
        kind = None
        if tag == "textarea":
            kind = "text"
            self.textarea = name
            self.values[name] = [""]
        elif tag == "select":
            kind = "choices" if "multiple" in a else "choice"
        elif tag == "input":
            kind = _input_kind(a)
        if kind is None:
            return
        maxlength = int(a["maxlength"]) if (a.get("maxlength") or "").isdigit() else None
        spec = self.fields.setdefault(name, Field(name, kind, maxlength))
        if tag == "select":
            self.select, self.selected = spec, []
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            if a.get("value"):
                spec.values.append(a["value"])
                if a.get("type") == "checkbox" and len(spec.values) > 1:
                    spec.kind = "choices"
            if "checked" in a:
                self.values.setdefault(name, []).append(a.get("value") or "on")
        elif tag == "input":
            self.values[name] = [a.get("value") or ""]

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.values[self.textarea][0] = self.values[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.selected or self.select.values[:1]  # a browser sends the first
            if chosen:
                self.values[self.select.name] = chosen
            self.select = None


def _input_kind(a: dict) -> str | None:
    kind = (a.get("type") or "text").lower()
    if kind in ("submit", "button", "image", "reset", "file"):
        return None
    if kind == "radio":
        return "choice"
    if kind == "checkbox":
        return "tick"  # a second checkbox of the same name makes it "choices"
    if kind == "hidden":
        return "id" if (a.get("value") or "").isdigit() else "text"
    if kind in ("date", "time", "number"):
        return kind
    if (a.get("inputmode") or "") in ("numeric", "decimal"):
        return "number"
    return "text"


def _from_body(name: str, value: Any) -> Field:
    """A field the page does not show (a button elsewhere posts it): its kind from its value."""
    if isinstance(value, list):
        return Field(name, "choices")
    text = str(value)
    if text.isdigit():
        return Field(name, "id")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Field(name, "date")
    return Field(name, "text")


# Fields that are not input: where to go next, checked as a safe address on this site (any
# other, hostile or not, sends the user to their work); a formset's limits, which Django takes
# from the code, never from the body; and its count of forms loaded from the database, which
# on the hub's one formset (new actions, none loaded) only says which may be left blank.
NOT_INPUT = re.compile(r"next|.*-(MIN_NUM|MAX_NUM|INITIAL)_FORMS")
# A formset's second and later rows are the same form as its first: the first is walked.
LATER_ROW = re.compile(r".+-[1-9]\d*-.+")


def read_form(page_html: str | None, action: str, body: dict) -> tuple[list[Field], dict]:
    """The form's fields (from its page, and any the body has that the page does not show),
    and the valid body: what the page would send, with the matrix's body over it."""
    fields: dict[str, Field] = {}
    valid: dict = {}
    if page_html:
        parser = _FormFields(action)
        parser.feed(page_html)
        fields = parser.fields
        valid = {name: v[0] if len(v) == 1 else v for name, v in parser.values.items()}
    for name, value in body.items():
        fields.setdefault(name, _from_body(name, value))
    valid.update(body)
    fields = {
        name: spec
        for name, spec in fields.items()
        if not (NOT_INPUT.fullmatch(name) or LATER_ROW.fullmatch(name))
    }
    # GOV.UK date inputs: day, month and year are name_0, name_1, name_2.
    for name in [n for n in fields if n.endswith("_0")]:
        stem = name[:-2]
        if f"{stem}_1" in fields and f"{stem}_2" in fields:
            for part in ("_0", "_1", "_2"):
                del fields[stem + part]
            fields[stem] = Field(stem, "date3")
    return list(fields.values()), valid


# --- What is sent ---------------------------------------------------------------------------

HUGE = 60_000  # for a field with no limit: huge, but with the rest of the form under 64 KiB
TYPED = ("text", "date", "time", "number", "id")


def _date3(stem: str, day: str, month: str, year: str) -> dict:
    return {f"{stem}_0": day, f"{stem}_1": month, f"{stem}_2": year}


def hostile(spec: Field) -> list[tuple[str, dict]]:
    """(what, the fields to replace) for one field: each must be refused."""
    name, kind = spec.name, spec.kind
    cases: list[tuple[str, dict]] = []
    if kind == "text":
        size = spec.maxlength + 1 if spec.maxlength else HUGE
        cases.append((f"{size} characters", {name: "x" * size}))
    if kind in TYPED:
        cases.append(("a NUL character", {name: "Ann\x00Example"}))
    if kind == "date":
        cases += [("31/02/2025", {name: "31/02/2025"}), ("not a date", {name: "not a date"})]
    elif kind == "date3":
        cases += [
            ("31 2 2025", _date3(name, "31", "2", "2025")),
            ("not a date", _date3(name, "not", "a", "date")),
        ]
    elif kind == "time":
        cases += [("25:61", {name: "25:61"}), ("not a time", {name: "not a time"})]
    elif kind in ("number", "id"):
        cases += [("abc", {name: "abc"}), ("10**30", {name: "9" * 31})]
        if kind == "number":
            cases.append(("-1", {name: "-1"}))
    elif kind == "choice":
        # (A choice is checked against its list, so a NUL is just another value not on it.)
        cases.append(("not on the list", {name: "not-on-the-list"}))
        if any(v.isdigit() for v in spec.values):
            cases.append(("an id of nothing", {name: "9" * 31}))
    elif kind == "choices":
        cases.append(("not on the list", {name: ["not-on-the-list"]}))
    # "tick": a tick box is on whatever value is sent, as browsers send it: nothing to refuse.
    return cases


# The longest column of characters in the hub (a CharField; longer text is a TextField, which
# has no limit of its own to overflow): test_no_column_is_longer_than_the_walk_checks.
LONGEST_COLUMN = 500


def at_limit(spec: Field) -> dict | None:
    if spec.kind == "text" and spec.maxlength and spec.maxlength <= LONGEST_COLUMN:
        return {spec.name: "x" * spec.maxlength}
    return None
