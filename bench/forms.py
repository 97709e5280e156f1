"""What a person fills in, for the load test (bench/locustfile.py): the page's form read as a
browser reads it, the answers each simulated task gives, and the authenticator's code. Plain
Python (no locust, no Django), so tests/bench checks the answers against the real forms."""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import time
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

ERRORS = "govuk-error-summary"  # a form sent back with its errors
FIRST = object()  # an answer: the first choice the question offers (bench/forms.fill)

# The cases a list links to (My work, my cases, the case list).
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


def errors(html: str) -> list[str]:
    """The messages of a form sent back (the GOV.UK error summary's links)."""
    summary = html.split(ERRORS, 1)[1] if ERRORS in html else ""
    found = re.findall(r'<a href="#([^"]*)">([^<]+)</a>', summary)
    return [f"{field}: {message.strip()}" for field, message in found][:10]


def next_step(case_page: str, case: str) -> str:
    """What a VCC does next on a case, read off its page: "plan" (in support: an action
    added), "dvna" (accepted: the assessment due), "call" (awaiting contact) or "note"."""
    if f'href="/cases/{case}/plan/"' in case_page:
        return "plan"
    if f'href="/cases/{case}/dvna/new/"' in case_page:
        return "dvna"
    if f'href="/cases/{case}/calls/new/"' in case_page:
        return "call"
    return "note"

def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 (what django-otp's TOTPDevice checks): 30-second steps, six digits."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields with what a person would leave or pick."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "radios": {},
                          "checks": {}, "selects": {}}
            self.forms.append(self._form)
        if tag == "option" and self._form is not None and self._select:
            self._form["selects"][self._select].append(a.get("value", ""))
            if "selected" in a:
                self._form["fields"][self._select] = a.get("value", "")
            return
        if self._form is None or not a.get("name"):
            return
        name, fields = a["name"], self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self._form["radios"].setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    fields[name] = a.get("value", "")
            elif kind == "checkbox":
                self._form["checks"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button"):
                fields[name] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select = name
            self._form["selects"][name] = []

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def fill(html: str, overrides: dict, *, action_contains: str = "") -> tuple[str, dict]:
    """The page's form that asks the questions `overrides` answers (not the sign-out, not the
    header's search), as a person fills it: what is there kept, the first choice of each
    unanswered question and list, then `overrides`."""
    parser = _Forms()
    parser.feed(html)
    forms = [f for f in parser.forms if "sign-out" not in f["action"]
             and action_contains in f["action"]]
    if not forms:
        raise LookupError("no form on the page")

    def asks(form: dict) -> int:  # how many of the answers are questions of this form
        names = {*form["fields"], *form["radios"], *form["checks"], *form["selects"]}
        return sum(1 for name in overrides if name in names)

    form = max(forms, key=asks)  # the first of the best: not the header's search
    if overrides and not asks(form):
        # No form on the page asks these questions (a plan with no form for a new action, say):
        # a person sends nothing, rather than the header's search.
        raise LookupError("no form on the page asks these questions")
    data = dict(form["fields"])
    for name, values in form["radios"].items():
        data.setdefault(name, values[0])
    for name, values in form["selects"].items():
        if not data.get(name):
            data[name] = next((v for v in values if v), "")
    for name, value in overrides.items():
        offered = form["radios"].get(name) or form["checks"].get(name) or [
            v for v in form["selects"].get(name, []) if v]
        data[name] = offered[0] if value is FIRST and offered else value
    return form["action"], data


# -- The answers of each task (the overrides `fill` applies) -----------------------------

NOTE = {"text": "Load test: spoke to the officer in the case."}
DVNA = {"summary": "Load test assessment."}


# The calling rules' refusals (contact.services): a simulated VCC opens any case of theirs
# awaiting contact and may try a second call the same day or part of the day, which the hub
# refuses, as it should; the load test counts those as answered, not as errors.
CALLING_RULES = ("An attempt was already made",)


HUB_TIME_ZONE = ZoneInfo("Europe/London")


def calling_time(hours: tuple[str, str], now: datetime | None = None) -> tuple[date, str]:
    """When the call was made, as a VCC recording it would say: now, inside the hub's calling
    hours (`hours`: the first band's start and the last band's end, "HH:MM", read from
    settings.HUB_CONTACT_BANDS by the caller, which has Django); after them, half an hour
    before they end that evening; before them, the same time the evening before."""
    now = (now or datetime.now(HUB_TIME_ZONE)).astimezone(HUB_TIME_ZONE)
    opens, closes = (time_of_day.fromisoformat(h) for h in hours)
    last = (datetime.combine(now.date(), closes) - timedelta(minutes=30)).time()
    if opens <= now.time() < closes:
        return now.date(), now.strftime("%H:%M")
    day = now.date() if now.time() >= closes else now.date() - timedelta(days=1)
    return day, last.strftime("%H:%M")


def call(outcome: str, hours: tuple[str, str], now: datetime | None = None) -> dict:
    """A call's form, made at a time the hub's calling hours allow (the form's own default is
    now, which a run at night would have refused)."""
    made_on, made_at = calling_time(hours, now)
    return {"outcome": outcome, "notes": "Load test: no answer.",
            "made_on": made_on.isoformat(), "made_at_time": made_at}


def plan_action(today: date) -> dict:
    review = today + timedelta(days=14)
    return {"description": "Load test: weekly call about the CICA form.",
            "kind": "phone_support", "need_areas": FIRST, "service": "",
            "review_on_0": review.day, "review_on_1": review.month, "review_on_2": review.year}


def _date(name: str, on: date) -> dict:
    return {f"{name}_0": on.day, f"{name}_1": on.month, f"{name}_2": on.year}


def ivna_form(body: dict) -> dict:
    """The IVNA form's answers for an API body (bench/bodies.py): the same IVNA typed in by
    an officer (the questions left, such as safe to call, take their first answer)."""
    crime, victim, answers = body["crime"], body["victim"], body["assessment"]
    yes = {True: "yes", False: "no"}
    return {
        "reference": crime["reference"], "crime_type": crime["crime_type"],
        **_date("offence_date", date.fromisoformat(crime["offence_date"])),
        "police_person_id": victim["police_person_id"], "first_name": victim["first_name"],
        "last_name": victim["last_name"],
        **_date("date_of_birth", date.fromisoformat(victim["date_of_birth"])),
        "gender": victim["gender"], "phone": victim["phone"], "email": victim["email"],
        "district": victim["district"], "first_language": victim["first_language"],
        "interpreter_needed": yes[victim["interpreter_needed"]],
        "needs_support": yes[answers["needs_support"]],
        "mash_referral": yes[answers["mash_referral"]],
        "supported_elsewhere": yes[answers["supported_elsewhere"]],
        "safe_to_write": yes[answers["safe_to_write"]],
        "consent_to_contact": yes[answers["consent_to_contact"]],
        **({"dash_risk": answers["dash_risk"]} if answers.get("dash_risk") else {}),
    }
