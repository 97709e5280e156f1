"""docs/triage.md, written from the rule table (intake.triage.RULES) so the document cannot
drift from the code: `manage.py triage_doc` writes it, `--check` (and a test) compares."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from cases.choices import Marker
from intake.triage import RULES, RULES_VERSION

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "triage.md"

HEADER = """\
# IVNA triage: the rule table

<!-- Generated from intake/triage.py by `python manage.py triage_doc`: do not edit by hand. -->

Every IVNA (from the web form or the crime system's API) is routed by one pure function,
`intake.triage.triage`, from the officer's answers. The rules are read from the top; the
first that matches decides the route. Enhanced entitlement under the Victims' Code is worked
out separately: it holds when any `E` rule matches, whatever the route, so a high-risk victim
can be entitled too. Rules version: `{version}` (stored with every IVNA).
"""

BODY = """\
What follows from the route:

- **high_risk**: managed by the MASH / Public Protection. The hub records the case and does not
  phone; the victim stays visible in the hub's lists.
- **hub_contact**: the hub contacts the victim proactively. Victims' Code: first contact is due
  within **one working day** with enhanced entitlement, **five** otherwise (England and Wales
  bank holidays excluded). If the IVNA says the victim is already supported by another service
  the case opens as `supported_elsewhere`.
- **letter_only**: the introductory letter (or email) only.

Every victim gets the introductory letter, whatever the route, unless it is unsafe to write
(the IVNA's "safe to write" is no, or the person was ever recorded as not safe to write). This
holds for the high-risk route too: the letter introduces the hub and goes only where it is
safe; the hub does not phone.

Age is counted on the offence date: a victim whose 18th birthday is the day after the offence
is under 18 (E2); one who turned 18 on the offence date is not. With no date of birth, E2
cannot apply.

## Public Protection: rules P1 to P3

The service specification (Appendix 2) gives the Public Protection Department the Detailed
Victim Needs Assessment "for victims of high risk domestic violence, serious sexual offences,
child and adult abuse". High-risk domestic abuse is H1 to H3 (DASH); the rest are P1 to P3,
which route to `high_risk` whether or not the officer ticked the MASH referral (H4):

- **P1, serious sexual offences**: the marker `{serious}` ("{serious_label}").
- **P2, child abuse**: the markers `child_abuse` and `child_sexual_exploitation`.
- **P3, adult abuse**: the marker `safeguarding_vulnerable_adults`.

These victims keep their enhanced entitlement (E3 to E5 still match and are stored with the
IVNA), so the case shows why it would have been urgent for the hub.

### How a serious sexual offence is told apart

By a marker the officer sets on the crime, `{serious}`, not by the crime type. The Home
Office main code `sexual_offences` covers exposure and rape alike, so it cannot route a
victim to Public Protection on its own (it still gives enhanced entitlement, E3). The crime
system knows the detailed offence code and the officer knows what happened; a marker is
what both already send (the API's `crime.markers`, the forms' marker checkboxes), so the
API contract keeps its fields and a crime system can set it from its offence code. Markers
only add up on a crime, so a second victim's IVNA cannot take it away.
"""


def rule_rows() -> list[str]:
    rows = ["| rule | when | route | enhanced entitlement |", "| --- | --- | --- | --- |"]
    rows += [
        f"| {r.id} | {r.description} | {r.route} | {'yes' if r.enhanced else 'no'} |"
        for r in RULES
    ]
    return rows


def render() -> str:
    """The whole of docs/triage.md, from RULES and RULES_VERSION."""
    serious = Marker.SERIOUS_SEXUAL_OFFENCE
    return "\n".join(
        [
            HEADER.format(version=RULES_VERSION),
            *rule_rows(),
            "",
            BODY.format(serious=serious.value, serious_label=serious.label),
        ]
    )
