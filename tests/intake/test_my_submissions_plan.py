"""An officer's submissions (`/ivnas/`): what they see, and a plan that reads only theirs.

At 300,000 cases the page took 1.6 s (bench/RESULTS.md): the selector said
`recorded_by = officer OR EXISTS (a version they sent)`, which PostgreSQL can only answer by
reading every IVNA. Written as a UNION of two index scans, it reads the officer's rows only.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from intake.selectors import ivnas_submitted_by, page_of_ivnas, submissions_newest_first
from tests.factories import ivna_form_data, user_with_role

pytestmark = pytest.mark.django_db


def _submit(client, user, **answers):
    client.force_login(user)
    response = client.post(reverse("intake:ivna_new"), ivna_form_data(**answers))
    assert response.status_code == 302


def test_an_officer_sees_what_they_recorded_and_what_they_amended_newest_first(
    client, police_user
):
    other = user_with_role(Role.POLICE, username="other-officer")
    _submit(client, other, reference="CF/1/25", police_person_id="N-1", last_name="Amended")
    _submit(client, other, reference="CF/2/25", police_person_id="N-2", last_name="Theirs")
    _submit(client, police_user, reference="CF/3/25", police_person_id="N-3", last_name="Mine")
    # A new version of the other officer's first IVNA, sent by this officer.
    _submit(client, police_user, reference="CF/1/25", police_person_id="N-1",
            last_name="Amended", notes="Suspect now has a bail address.")

    seen = [ivna.case.crime.reference for ivna in ivnas_submitted_by(police_user)]
    assert sorted(seen) == ["CF/1/25", "CF/3/25"]
    assert [ivna.case.crime.reference for ivna in ivnas_submitted_by(other)] == [
        "CF/2/25", "CF/1/25"]
    page = client.get(reverse("intake:my_submissions")).content.decode()
    assert "CF/3/25" in page and "CF/1/25" in page and "CF/2/25" not in page
    # The page's own reading: newest first, the amended case among the officer's own.
    keys = submissions_newest_first(police_user)
    assert keys.count() == 2
    assert [i.case.crime.reference for i in page_of_ivnas(keys[:25])] == ["CF/3/25", "CF/1/25"]
    assert page.index("CF/3/25") < page.index("CF/1/25")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # With sequential scans priced out, a plan that can use the indexes does; one that
        # cannot still reads the whole table, and says so.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_reads(plan: str) -> list[str]:
    """The plan's nodes that read a whole table or a whole index: a sequential scan, or an
    index scan with no condition on the index (what the OR form did, through the cases)."""
    lines = plan.splitlines()
    found = []
    for i, line in enumerate(lines):
        node = line.strip().removeprefix("-> ").strip()
        if node.startswith("Seq Scan"):
            found.append(node)
        elif node.startswith(("Index Scan", "Index Only Scan")):
            depth = len(line) - len(line.lstrip())
            details = []
            for after in lines[i + 1:]:
                if len(after) - len(after.lstrip()) <= depth or "->" in after:
                    break
                details.append(after.strip())
            if not any(detail.startswith("Index Cond") for detail in details):
                found.append(node)
    return found


def test_the_page_reads_the_officers_rows_by_index_never_every_ivna(police_user):
    plan = _plan(ivnas_submitted_by(police_user))
    assert full_reads(plan) == [], plan
    # The paginator's count.
    count_plan = _plan(ivnas_submitted_by(police_user).order_by())
    assert full_reads(count_plan) == [], count_plan


def test_a_page_of_submissions_is_read_by_index_never_every_ivna(police_user):
    # Which of the recorder's indexes PostgreSQL picks depends on the table's size (on an
    # empty one either will do; at 300,000 cases, ivna_by_recorder_newest, the page read in
    # order): what must hold at any size is that nothing reads every IVNA.
    plan = _plan(submissions_newest_first(police_user)[:25])
    assert full_reads(plan) == [], plan
    assert full_reads(_plan(submissions_newest_first(police_user).order_by())) == []
