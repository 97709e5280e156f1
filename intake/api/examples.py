"""Examples in the OpenAPI schema for the intake API (issue 14): the IVNA of the API contract
(DOMAIN.md) and a transfer, with the answers they get."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

IVNA = {
    "crime": {
        "reference": "CF/12345/25",
        "crime_type": "violence_against_the_person",
        "offence_date": "2025-03-01",
        "reported_at": "2025-03-02T10:15:00Z",
        "markers": ["domestic_abuse"],
    },
    "victim": {
        "police_person_id": "N-000123",
        "first_name": "Ann",
        "last_name": "Example",
        "date_of_birth": "1980-05-17",
        "gender": "female",
        "phone": "07700900123",
        "email": "ann@example.org",
        "address": {"line1": "1 High St", "town": "Wisbech", "postcode": "PE13 1AA"},
        "district": "fenland",
        "first_language": "en",
        "interpreter_needed": False,
    },
    "assessment": {
        "priority_categories": ["vulnerable"],
        "dash_risk": "medium",
        "supported_elsewhere": False,
        "needs_support": True,
        "mash_referral": False,
        "safe_to_write": True,
        "consent_to_contact": True,
        "notes": "Lives with two children; prefers calls after 4pm.",
    },
}

IVNA_EXAMPLES = [
    OpenApiExample(
        "IVNA", summary="An IVNA (the API contract's)", value=IVNA, request_only=True
    ),
    OpenApiExample(
        "Created", summary="Case opened",
        value={"case_id": 1042, "victim_id": 877, "route": "hub_contact"},
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Amended", summary="Sent again with different answers: an amendment",
        value={"case_id": 1042, "victim_id": 877, "route": "high_risk", "amended": True},
        response_only=True,
        status_codes=["200"],
    ),
]

TRANSFER = {
    "sending_organisation": {"kind": "action_fraud", "name": "Action Fraud"},
    "reference": "NFRC250312345",
    "crime": {"crime_type": "fraud", "offence_date": "2025-03-01"},
    "victim": {
        "first_name": "Mary",
        "last_name": "Example",
        "date_of_birth": "1941-02-03",
        "gender": "female",
        "phone": "07700900555",
        "address": {"line1": "3 Church Lane", "town": "Ely", "postcode": "CB7 4AA"},
        "district": "east_cambridgeshire",
        "first_language": "en",
        "safe_to_call": True,
        "may_leave_message": False,
        "safe_to_write": True,
    },
    "priority_categories": ["vulnerable"],
    "contact": {"name": "NFIB victim care", "email": "victims@nfib.example.org"},
    "notes": "Courier fraud; lost savings.",
}

TRANSFER_EXAMPLES = [
    OpenApiExample(
        "Transfer", summary="A transfer from Action Fraud", value=TRANSFER, request_only=True
    ),
    OpenApiExample(
        "Created", summary="Case opened",
        value={"case_id": 1043, "victim_id": 878},
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "AlreadyReceived", summary="Already received: the same case",
        value={"case_id": 1043, "victim_id": 878},
        response_only=True,
        status_codes=["200"],
    ),
]

# drf-spectacular shows a list operation's example as a list of it: each value is one item.
IVNA_BATCH_EXAMPLES = [
    OpenApiExample(
        "Batch", summary="A batch (of one IVNA here; up to 500)", value=IVNA,
        request_only=True,
    ),
    OpenApiExample(
        "Created", summary="An item's result: case opened", response_only=True,
        status_codes=["200"],
        value={"status": 201, "case_id": 1042, "victim_id": 877, "route": "hub_contact"},
    ),
    OpenApiExample(
        "Refused", summary="An item's result: refused, nothing of it saved",
        response_only=True, status_codes=["200"],
        value={"status": 400, "errors": {"crime": {"offence_date": [
            "Enter a real date, on or after 1 January 1900."]}}},
    ),
]
