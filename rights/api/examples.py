"""Examples in the OpenAPI schema for the police's rights API (issue 15)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

EVIDENCE = {
    "status": "met",
    "at": "2025-03-04T15:30:00Z",
    "how": "Victim Personal Statement offered by the officer in the case",
}
JUSTICE_EVENT = {"stage": "charged", "occurred_on": "2025-03-20", "detail": "Two charges"}

ENTITLEMENT = {
    "right": 7,
    "title": "Right 7: to make a Victim Personal Statement",
    "delivered_by": "police",
    "status": "met",
    "applies_from": "2025-03-20T12:00:00Z",
    "due_at": None,
    "overdue": False,
    "met_at": "2025-03-04T15:30:00Z",
    "how": "Victim Personal Statement offered by the officer in the case",
    "reason": "",
    "source": "police_api",
}
EVENT = {"id": 311, **JUSTICE_EVENT, "source": "police_api"}

EVIDENCE_EXAMPLES = [
    OpenApiExample("Met", summary="Right 7 met", value=EVIDENCE, request_only=True),
    OpenApiExample(
        "Recorded", summary="The right as recorded (the same again: unchanged)",
        value=ENTITLEMENT, response_only=True, status_codes=["200"],
    ),
]

JUSTICE_EVENT_EXAMPLES = [
    OpenApiExample("Charged", summary="The suspect charged", value=JUSTICE_EVENT,
                   request_only=True),
    OpenApiExample("Added", summary="Added to the timeline", value=EVENT,
                   response_only=True, status_codes=["201"]),
    OpenApiExample("AlreadyAdded", summary="The same step on the same day: the first",
                   value=EVENT, response_only=True, status_codes=["200"]),
]

CASE_RIGHTS_EXAMPLES = [
    OpenApiExample(
        "CaseRights", summary="A case's rights and justice process",
        value={
            "case_id": 1042,
            "rights": [
                {**ENTITLEMENT, "right": 6, "title": "Right 6: to be provided with information "
                 "about the investigation and prosecution", "status": "due",
                 "due_at": "2025-03-21T17:00:00Z", "met_at": None, "how": "", "source": ""},
                ENTITLEMENT,
            ],
            "justice_events": [EVENT],
        },
        response_only=True, status_codes=["200"],
    ),
]
