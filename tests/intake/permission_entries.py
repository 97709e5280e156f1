"""Permission-matrix entries for intake's case-scoped work: a VCC deciding a change the
police sent on an amended IVNA. Assembled in tests/matrix/entries.py (MATRIX)."""

from __future__ import annotations

import re

from intake.models import ProposedChange
from tests.permissions import View, casework_action, redirects


def _change_states() -> list:
    return list(ProposedChange.objects.order_by("pk").values_list("pk", "state"))


VIEWS = [
    View(
        "intake:decide_change",
        method="post",
        of="restricted, police_change",
        data=lambda w: {"decision": "reject", "reason": "A typing error"},
        unchanged=_change_states,
        expect=casework_action(
            vcc=redirects(re.compile(r"/cases/\d+/"), "the change from the police was rejected")
        ),
    ),
]
