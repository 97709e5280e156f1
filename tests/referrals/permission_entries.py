"""Permission-matrix entries for the service directory, referrals from a plan action, transfers.

Assembled with every other app's in tests/matrix/entries.py (MATRIX).
"""

from __future__ import annotations

import re

from django.urls import reverse

from cases.models import Case
from tests.permissions import (
    ANONYMOUS,
    FORBIDDEN,
    LOGIN,
    MANAGER,
    NO_CASEWORK,
    NOT_POLICE,
    OPCC_API,
    OTHER_VCC,
    POLICE,
    POLICE_API,
    TRANSFER_API,
    UNAUTHORIZED,
    VCC,
    View,
    allowed,
    casework_action,
    redirects,
    ref,
)


def _services() -> list:
    from directory.models import SupportService

    return list(SupportService.objects.order_by("pk").values_list("pk", "name", "active"))


def _consents() -> list:
    from assessments.models import ConsentToShare

    return list(ConsentToShare.objects.order_by("pk").values_list(
        "pk", "given", "share_contact_details", "share_crime_details", "share_needs"))


def _consent_at(w) -> str:
    from assessments.models import ConsentToShare

    return ConsentToShare.objects.get(
        case=w.restricted, service=w.referral_service
    ).recorded_at.isoformat()


def _referrals() -> list:
    from referrals.models import Referral

    return list(Referral.objects.order_by("pk").values_list("pk", "status", "chases",
                                                           "email_error"))


def _transfers() -> tuple[int, int]:
    from intake.models import Transfer

    return Transfer.objects.count(), Case.objects.count()


def _service_form(world) -> dict:
    return {"name": "Matrix Signposting", "commissioned_by_pcc": "False", "national": "False",
            "how_to_refer": "By phone"}


def _transfer_out_form(world) -> dict:
    return {"area": "Norfolk", "organisation_name": "Norfolk Victim Care",
            "contact_email": "referrals@norfolk.example.org", "shared": ["identity"]}


def _transfer_in_form(world) -> dict:
    return {
        "organisation": "british_transport_police", "their_reference": "BTP-1",
        "crime_type": "robbery", "offence_date_0": "3", "offence_date_1": "3",
        "offence_date_2": "2025", "first_name": "Piotr", "last_name": "Nowak",
        "gender": "male", "ethnicity": "unknown", "first_language": "pl",
        "interpreter_needed": "no", "district": "peterborough", "safe_to_call": "yes",
        "may_leave_message": "no", "safe_to_write": "yes",
    }


def _transfer_api(world) -> dict:
    return {
        "sending_organisation": {"kind": "action_fraud"},
        "reference": "NFRC250300001",
        "crime": {"crime_type": "fraud", "offence_date": "2025-03-01"},
        "victim": {"first_name": "Mary", "last_name": "Smith", "district": "fenland"},
    }


# Where a saved page of this app lands: its tab of the case page.
REFERRALS_TAB = re.compile(r"/cases/\d+/#referrals")

VIEWS = [
    # --- The service directory: read by casework users, changed by managers only ---
    View(
        "directory:directory",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: allowed("Matrix Advocacy Service", excludes=["Add a service"]),
            MANAGER: allowed("Matrix Advocacy Service", "Add a service"),
        },
    ),
    View(
        "directory:service_add",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Add a service", 'name="referral_email"'),
        },
    ),
    View(
        "directory:service_add",
        method="post",
        data=_service_form,
        unchanged=_services,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("directory:directory"), "Matrix Signposting is saved"),
        },
    ),
    View(
        "directory:service_edit",
        of="referral_service",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Change Matrix Advocacy Service"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "directory:service_edit",
        method="post",
        of="referral_service",
        data=_service_form,
        unchanged=_services,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("directory:directory"), "Matrix Signposting is saved"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "directory:service_deactivate",
        of="referral_service",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Deactivate Matrix Advocacy Service?"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "directory:service_deactivate",
        method="post",
        of="referral_service",
        unchanged=_services,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("directory:directory"), "has been deactivated"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    View(
        "directory:service_reactivate",
        method="post",
        of="referral_service",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(reverse("directory:directory"), "is back in the directory"),
            OTHER_VCC: FORBIDDEN,
        },
    ),
    # --- Referrals from a plan action (the restricted case: its VCC and managers only) ---
    View(
        "referrals:create",
        of="restricted, referral_action",
        expect=casework_action(vcc=allowed("Make a referral", "agree to be referred to")),
    ),
    # The victim's answers at the referral: recorded, then what will be shared is shown.
    View(
        "referrals:create",
        method="post",
        of="restricted, referral_action",
        data=lambda w: {"agree": "yes", "share_contact": "yes", "share_crime": "no",
                        "share_needs": "yes"},
        unchanged=_consents,
        expect=casework_action(vcc=allowed("What the referral will carry")),
    ),
    # Sending, bound to the answers as they were shown.
    View(
        "referrals:create",
        label="send",
        method="post",
        of="restricted, referral_action",
        data=lambda w: {"send": "yes", "consent_at": _consent_at(w)},
        unchanged=_referrals,
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "has been sent by email")
        ),
    ),
    View(
        "referrals:accepted",
        method="post",
        of="restricted, referral",
        unchanged=_referrals,
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "is recorded as accepted")
        ),
    ),
    View(
        "referrals:declined",
        of="restricted, referral",
        expect=casework_action(vcc=allowed("Matrix Advocacy Service declined the referral")),
    ),
    View(
        "referrals:declined",
        method="post",
        of="restricted, referral",
        data=lambda w: {"reason": "Outside our area"},
        unchanged=_referrals,
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "is recorded as declined")
        ),
    ),
    View(
        "referrals:completed",
        method="post",
        of="restricted, referral",
        unchanged=_referrals,
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "cannot be recorded as completed")
        ),
    ),
    View(
        "referrals:chased",
        method="post",
        of="restricted, referral",
        unchanged=_referrals,
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "The chase of Matrix Advocacy Service")
        ),
    ),
    View(
        "referrals:resend",
        method="post",
        of="restricted, referral",
        expect=casework_action(
            vcc=redirects(REFERRALS_TAB, "will be sent again")
        ),
    ),
    View(
        "referrals:document",
        of="restricted, referral",
        expect=casework_action(vcc=allowed("%PDF")),
    ),
    # --- Transfers between police areas ---
    View(
        "referrals:transfer_out",
        of="restricted",
        expect=casework_action(vcc=allowed("Transfer to another area", ref("restricted"))),
    ),
    View(
        "referrals:transfer_out",
        method="post",
        of="restricted",
        data=_transfer_out_form,
        unchanged=_transfers,
        # The restricted case's victim lives in Fenland: the form says why it cannot go.
        expect=casework_action(vcc=allowed("Only a victim who lives outside")),
    ),
    View(
        "intake:transfer_in",
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: allowed("Record a transfer from another area", 'name="their_reference"'),
        },
    ),
    View(
        "intake:transfer_in",
        method="post",
        data=_transfer_in_form,
        unchanged=_transfers,
        expect={
            ANONYMOUS: LOGIN,
            **NO_CASEWORK,
            VCC: FORBIDDEN,
            MANAGER: redirects(re.compile(r"/cases/\d+/"), "Transfer recorded"),
        },
    ),
    View(
        "api-transfer-create",
        method="post",
        data=_transfer_api,
        unchanged=_transfers,
        expect={
            ANONYMOUS: UNAUTHORIZED,
            # A transfer sender's token only: the force's own crime system (and its staff)
            # submit IVNAs, not transfers (issue 11).
            POLICE: FORBIDDEN,
            POLICE_API: FORBIDDEN,
            TRANSFER_API: allowed('"case_id"', '"victim_id"', status=201),
            **NOT_POLICE,
            OPCC_API: FORBIDDEN,
        },
    ),
]
