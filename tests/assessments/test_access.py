"""Who may open the support pages, and that the case page stays cheap as support grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import PlanAction, RecoveryPlan, Review
from assessments.support_services import add_action, record_review
from audit.models import AccessLog
from tests.assessments.builders import action, answers, in_days, levels, supported_case
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def support_urls(case) -> list[str]:
    action_pk = PlanAction.objects.filter(plan__case=case).values_list("pk", flat=True)[0]
    return [
        reverse("support:plan", args=[case.pk]),
        reverse("support:plan_new", args=[case.pk]),
        reverse("support:plan_date", args=[case.pk]),
        reverse("support:action_new", args=[case.pk]),
        reverse("support:action_edit", args=[case.pk, action_pk]),
        reverse("support:review_new", args=[case.pk]),
        reverse("support:close", args=[case.pk]),
        reverse("support:survey", args=[case.pk]),
    ]


@pytest.fixture
def restricted(vcc_user):
    return supported_case(vcc_user, restricted=True, allocated_to=vcc_user)


@pytest.mark.parametrize("role", ["police", "volunteer", "opcc"])
def test_roles_without_casework_get_403(client, role, restricted):
    client.force_login(user_with_role(role))
    for url in support_urls(restricted):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"wellbeing": "better", "reason": "other"}).status_code == 403
    assert Review.objects.count() == 0


def test_another_vcc_gets_404_on_a_restricted_case(client, restricted):
    client.force_login(user_with_role("vcc"))
    for url in support_urls(restricted):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_the_allocated_vcc_and_a_manager_may_open_the_plan(client, vcc_user, manager_user,
                                                           restricted):
    for user in (vcc_user, manager_user):
        client.force_login(user)
        assert client.get(reverse("support:plan", args=[restricted.pk])).status_code == 200
        assert client.get(reverse("support:review_new", args=[restricted.pk])).status_code == 200


def test_support_pages_log_the_read(client, vcc_user, restricted):
    client.force_login(vcc_user)
    client.get(reverse("support:plan", args=[restricted.pk]))
    log = AccessLog.objects.get(view_name="support:plan")
    assert (log.user, log.case_ids, log.person_ids) == (
        vcc_user, [restricted.pk], [restricted.person_id])


def _case_page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert 'data-testid="support-panel"' in response.content.decode()
    return len(queries)


def test_case_page_queries_do_not_grow_with_support(client, vcc_user):
    from assessments.dvna_services import record_dvna

    small = supported_case(vcc_user)
    record_review(case=small, version=1, wellbeing="same", by=vcc_user)

    large = supported_case(vcc_user)
    plan = RecoveryPlan.objects.get(case=large)
    for n in range(5):
        add_action(plan=plan, version=plan.version, by=vcc_user,
                   details=action(vcc_user, areas=("social",), description=f"Action {n}"))
    for _ in range(3):
        record_dvna(case=large, answers=answers(levels(health="low", social="medium")),
                    by=vcc_user)
    for n in range(4):
        plan.refresh_from_db()
        record_review(
            case=large, version=plan.version, wellbeing="better", by=vcc_user,
            next_review_on=in_days(7 + n),
            action_statuses={a.pk: "in_progress" for a in plan.actions.all()},
        )
    client.force_login(vcc_user)
    client.get(reverse("cases:list"))  # warm the session

    assert _case_page_queries(client, small) == _case_page_queries(client, large)
    page = client.get(reverse("cases:detail", args=[large.pk])).content.decode()
    assert "DVNA 4" in page and "Action 4" in page
