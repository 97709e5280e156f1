"""An officer's submissions (`/ivnas/`): what they see, and a plan that reads only theirs.

At 300,000 cases the page took 1.6 s (bench/RESULTS.md): the selector said
`recorded_by = officer OR EXISTS (a version they sent)`, which PostgreSQL can only answer by
reading every IVNA. Written as a UNION of two index scans, it reads the officer's rows only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from intake.selectors import ivnas_submitted_by, page_of_ivnas, submissions_newest_first
from tests.factories import ivna_form_data, user_with_role
from tests.plans import full_reads, plan_of

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


def test_the_page_reads_the_officers_rows_by_index_never_every_ivna(police_user):
    plan = plan_of(ivnas_submitted_by(police_user))
    assert full_reads(plan) == [], plan
    # The paginator's count.
    count_plan = plan_of(ivnas_submitted_by(police_user).order_by())
    assert full_reads(count_plan) == [], count_plan


def test_a_page_of_submissions_is_read_by_index_never_every_ivna(police_user):
    # Which of the recorder's indexes PostgreSQL picks depends on the table's size (on an
    # empty one either will do; at 300,000 cases, ivna_by_recorder_newest, the page read in
    # order): what must hold at any size is that nothing reads every IVNA.
    plan = plan_of(submissions_newest_first(police_user)[:25])
    assert full_reads(plan) == [], plan
    assert full_reads(plan_of(submissions_newest_first(police_user).order_by())) == []
