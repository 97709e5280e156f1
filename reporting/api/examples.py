"""Examples in the OpenAPI schema for the performance API (issue 14).

The flow example is a quarter of about the size of the hub's 2015 (about a quarter of its
victims; 44% of those assessed vulnerable supported). Its keys follow FLOW_KEYS, so a flow
key added there is in the example too (as 0 until a figure is chosen for it here).
"""

from __future__ import annotations

import json
from pathlib import Path

from drf_spectacular.utils import OpenApiExample

from reporting.compliance_return import TITLE as COMPLIANCE_TITLE
from reporting.flow import COUNTING_RULES_VERSION, FLOW_KEYS, VICTIM_KEYS, supported_rate
from reporting.outcomes import OUTCOME_KEYS
from reporting.return_csv import return_csv
from reporting.returns import BREAKDOWN_KEYS, RULES_VERSION, SUPPRESSION_RULE

_COUNTS = {
    "referred": 7800, "unique_victims": 7330,
    "police_ivna": 7770,
    "letter_only": 4670, "responded_to_letter": 15,
    "high_risk": 580, "declined_at_ivna": 145,
    "vulnerable": 2375, "supported_elsewhere": 200, "awaiting_contact": 40, "no_contact": 385,
    "transferred_out": 5, "contacted": 1745, "declined": 300, "signposted": 145,
    "accepted": 1300, "assessed_vulnerable": 2955,
    "self_referred": 30, "self_referred_supported_elsewhere": 1,
    "self_referred_awaiting_contact": 2, "self_referred_no_contact": 3,
    "self_referred_contacted": 24, "self_referred_declined": 3, "self_referred_signposted": 2,
    "self_referred_accepted": 19,
    "supported": 1319,
    "written_to": 7150, "not_written_to": 630, "letter_pending": 20,
    "letters_sent": 7150, "follow_up_letters": 340,
}
_COUNTS["supported_rate"] = supported_rate(_COUNTS["accepted"], _COUNTS["assessed_vulnerable"])
# The same boxes in unique victims: a person referred twice in the quarter is counted once.
_VICTIMS = {key: round(_COUNTS.get(key, 0) * 0.94) for key in VICTIM_KEYS}
_VICTIMS["referred"] = _COUNTS["unique_victims"]
_VICTIMS["supported_rate"] = supported_rate(_VICTIMS["accepted"], _VICTIMS["assessed_vulnerable"])
FLOW = {key: _COUNTS.get(key, 0) for key in FLOW_KEYS} | {"victims": _VICTIMS}

FLOW_EXAMPLES = [
    OpenApiExample(
        "WholeArea", summary="Whole area, first quarter of 2025",
        value={
            **FLOW,
            "period_from": "2025-01-01",
            "period_to": "2025-03-31",
            "district": None,
            "counting_rules_version": COUNTING_RULES_VERSION,
            "suppression_rule": None,
        },
        response_only=True,
        status_codes=["200"],
    ),
]

# Two breakdowns written out (about the 2015 shares); the others shortened to one cell.
_CELLS = {
    "crime_type": [
        ("violence_against_the_person", "Violence against the person", 2120),
        ("theft_and_handling", "Theft and handling", 1909),
        ("burglary", "Burglary", 1099),
        ("vehicle_offences", "Vehicle offences", 799),
        ("sexual_offences", "Sexual offences", 421),
        ("other", "Other", 1052),
    ],
    "district": [
        ("cambridge", "Cambridge City", 1500),
        ("east_cambridgeshire", "East Cambridgeshire", 460),
        ("fenland", "Fenland", 900),
        ("huntingdonshire", "Huntingdonshire", 1180),
        ("south_cambridgeshire", "South Cambridgeshire", 920),
        ("peterborough", "Peterborough", 2437),
        ("out_of_area", "Outside Cambridgeshire and Peterborough", "*"),
        ("none", "Not recorded", "*"),
    ],
}


def _breakdown(name: str) -> dict:
    cells = _CELLS.get(name, [("none", "Not recorded", 7400)])
    return {
        "title": f"Referrals by {name.replace('_', ' ')}",
        "counts": "referrals",
        "total": 7400,
        "cells": [{"category": c, "label": label, "value": v} for c, label, v in cells],
    }


# One outcome figure written out (first contact within the Victims' Code timescale); the
# others shortened to their total.
_OUTCOMES = {
    key: {"title": key.replace("_", " ").capitalize(), "counts": "see docs/outcomes.md",
          "total": 0, "cells": [], "rates": []}
    for key in OUTCOME_KEYS
} | {
    "first_contact": {
        "title": "First contact within the Victims' Code timescale",
        "counts": "referrals of the quarter the hub was to contact, by the deadline's kind",
        "total": 2600,
        "cells": [
            {"category": "enhanced:met", "label": "Enhanced: met", "value": 610},
            {"category": "enhanced:late", "label": "Enhanced: late", "value": 38},
            {"category": "enhanced:overdue", "label": "Enhanced: overdue", "value": "*"},
            {"category": "enhanced:not_due", "label": "Enhanced: not yet due", "value": "*"},
            {"category": "standard:met", "label": "Standard: met", "value": 1830},
            {"category": "standard:late", "label": "Standard: late", "value": 112},
            {"category": "standard:overdue", "label": "Standard: overdue", "value": 0},
            {"category": "standard:not_due", "label": "Standard: not yet due", "value": 0},
        ],
        "rates": [
            {"category": "enhanced", "label": "Enhanced: % met", "value": None},
            {"category": "standard", "label": "Standard: % met", "value": 0.9423},
        ],
    },
}

QUARTERLY_RETURN = {
    "year": 2025,
    "quarter": 1,
    "period_from": "2025-01-01",
    "period_to": "2025-03-31",
    "status": "final",
    "version": 1,
    "versions": [{"version": 1, "created_at": "2025-04-30T05:30:00Z"}],
    "changes": [],
    "finalised_from": "2025-04-30",
    "provisional": False,
    "counting_rules_version": RULES_VERSION,
    "suppression_rule": SUPPRESSION_RULE,
    "generated_at": "2025-04-30T05:30:00Z",
    "flow": FLOW,
    "breakdowns": {name: _breakdown(name) for name in BREAKDOWN_KEYS},
    "outcomes": _OUTCOMES,
}

# The CSV of the example above, written by the real writer (shortened to its first lines
# and a suppressed cell).
_CSV_LINES = return_csv(QUARTERLY_RETURN).splitlines()
QUARTERLY_RETURN_CSV = "\n".join(
    [line for line in _CSV_LINES if line.startswith("#")]
    + [line for line in _CSV_LINES if not line.startswith("#")][:8]
    + [line for line in _CSV_LINES if line.endswith(",true")][:1]
    + [""]
)

# The same quarter revised: an outcome recorded later moved one referral between leaves.
QUARTERLY_RETURN_REVISED = {
    **QUARTERLY_RETURN,
    "status": "revised",
    "version": 2,
    "versions": [
        *QUARTERLY_RETURN["versions"],
        {"version": 2, "created_at": "2025-05-14T05:30:00Z"},
    ],
    "changes": [
        {"section": "flow", "breakdown": "all", "category": "awaiting_contact",
         "from": 40, "to": 39},
        {"section": "flow", "breakdown": "all", "category": "accepted", "from": 1001, "to": 1002},
    ],
    "generated_at": "2025-05-14T05:30:00Z",
}

QUARTERLY_RETURN_EXAMPLES = [
    OpenApiExample(
        "ReturnJSON", summary="First quarter of 2025 (JSON, breakdowns shortened)",
        value=QUARTERLY_RETURN,
        response_only=True,
        status_codes=["200"],
        media_type="application/json",
    ),
    OpenApiExample(
        "ReturnRevised", summary="The same quarter revised (version 2, with what changed)",
        value=QUARTERLY_RETURN_REVISED,
        response_only=True,
        status_codes=["200"],
        media_type="application/json",
    ),
    OpenApiExample(
        "ReturnCSV", summary="First quarter of 2025 (CSV, shortened)",
        value=QUARTERLY_RETURN_CSV,
        response_only=True,
        status_codes=["200"],
        media_type="text/csv",
    ),
]


# The compliance return (docs/compliance-return.md): a quarter of the demo's year as the API
# answered it, its breakdowns shortened to one (enhanced entitlement, Right 4).
COMPLIANCE_RETURN = json.loads(
    Path(__file__).with_name("compliance_example.json").read_text(encoding="utf-8")
)
_COMPLIANCE_CSV_LINES = return_csv(COMPLIANCE_RETURN, COMPLIANCE_TITLE).splitlines()
COMPLIANCE_RETURN_CSV = "\n".join(
    [line for line in _COMPLIANCE_CSV_LINES if line.startswith("#")]
    + [line for line in _COMPLIANCE_CSV_LINES if not line.startswith("#")][:8]
    + [""]
)

COMPLIANCE_RETURN_EXAMPLES = [
    OpenApiExample(
        "ComplianceJSON", summary="A quarter (JSON, breakdowns shortened)",
        value=COMPLIANCE_RETURN, response_only=True, status_codes=["200"],
        media_type="application/json",
    ),
    OpenApiExample(
        "ComplianceCSV", summary="The same quarter (CSV, shortened)",
        value=COMPLIANCE_RETURN_CSV, response_only=True, status_codes=["200"],
        media_type="text/csv",
    ),
]
