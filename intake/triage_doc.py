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


SAFETY = """
## Safety answers and consent to contact (issue 11)

The triage decides the route; the officer's safety answers decide how, and whether, the hub
makes contact. No safety or consent question on any form has a default answer: the officer
(or VCC) chooses, and an unanswered question is a form error. In the IVNA API,
`assessment.safe_to_write` and `assessment.consent_to_contact` are optional: an absent
answer is *unknown*, kept on the IVNA as not given (NULL), and treated as **no**.

- **Not safe to write** (or unknown): no letter or email goes; a new person is recorded as
  not safe to write; the case says why no letter went.
- **No consent to contact** (or unknown): the police have told the victim the hub will not
  contact them, so the hub does not phone or write to them. The case is recorded and closed
  at once (`received -> closed`, "declined contact at the IVNA"; no introductory letter, no
  first call, `no_letter_reason` says why), and counted in the flow as its own leaf,
  `declined_at_ivna` (docs/flow.md). The route in the API answer is still the triage's.
- **Precedence**: a victim triaged **high_risk** stays high risk (case status "Managed by
  MASH / Public Protection", counted in `high_risk`): safeguarding by the MASH / Public
  Protection is not the hub's contact, and they manage the victim. The hub still does not
  write to or phone them while they declined.
"""

AMENDMENTS = """
## A corrected IVNA: re-triage (intake.amendments)

The same crime reference and police person id sent again with the same answers is a retry:
nothing is written. With different answers it is an amendment: a new version of the IVNA,
with who and when, shown on the case page with what changed. The case is re-triaged by this
table, and:

- **Applied at once** (the hub does more for the victim's safety): a higher DASH risk, more
  "yes" answers on the checklist, a MASH / Public Protection referral, a new priority
  category, a new marker, the officer now judging that support is needed, and any
  safe-contact answer made safer (a "no", or "not known", wins; a letter not yet sent is
  held when writing becomes unsafe). The route only goes up by itself: letter only -> hub
  contact -> high risk; enhanced entitlement is only gained.
- **Proposed to a VCC** (accept or reject, with a reason, on the case page; "Check changes
  from the police" on My work): everything else, such as a lower risk, a removed marker or
  category, a safe-contact answer made less safe, new contact details or names, a
  different crime type or offence date, new notes. Until a VCC accepts, the hub keeps what
  it had: letters go to the confirmed address.
- A new IVNA for a person the hub knows (another crime) never overwrites the person: the
  safe-contact "no"s apply, the rest is proposed on the new case.
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
            SAFETY,
            AMENDMENTS,
        ]
    )
