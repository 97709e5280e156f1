"""The public self-referral pages: no login, nothing stored in the URL, nothing cached.

The confirmation shows the reference the session holds, once: it never looks a case up by
anything in the URL, so nobody can see anything about someone else's request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from audit.services import client_ip
from cases.choices import Route
from cases.deadlines import contact_working_days
from core.errors import DomainError
from core.forms import add_error_to_form
from intake.public_forms import SelfReferralForm
from intake.selfreferral import (
    alert_managers_page_full,
    check_form_token,
    check_honeypot,
    check_rate_limit,
    issue_form_token,
    page_is_full,
    record_self_referral,
)

logger = logging.getLogger(__name__)

SESSION_KEY = "self_referral_done"
HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"
# Where "Exit this page" goes: a neutral site that gives nothing away.
EXIT_URL = "https://www.bbc.co.uk/weather"


class PublicPageMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(exit_url=EXIT_URL, hub_phone=settings.HUB_PHONE)
        return context


@method_decorator(never_cache, name="dispatch")
class SelfReferralView(PublicPageMixin, FormView):
    """A victim, family member, guardian or carer asks for support without a police report."""

    template_name = "intake/self_referral.html"
    form_class = SelfReferralForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form_token=issue_form_token(), honeypot_field=HONEYPOT_FIELD)
        return context

    def get(self, request, *args, **kwargs):
        if page_is_full():
            return self.stopped(full=True)
        return super().get(request, *args, **kwargs)

    def stopped(self, *, full: bool):
        """The page is full this hour (phone us), or this request was sent already."""
        context = {"exit_url": EXIT_URL, "hub_phone": settings.HUB_PHONE, "full": full}
        return self.response_class(
            request=self.request,
            template="intake/self_referral_stopped.html",
            context=context,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        try:
            check_honeypot(request.POST.get(HONEYPOT_FIELD, ""))
            check_form_token(request.POST.get(STARTED_FIELD, ""))
            if not valid:
                return self.form_invalid(form)
            check_rate_limit(client_ip(request))
        except DomainError as refusal:
            logger.info("Self-referral refused: %s", refusal.code)
            add_error_to_form(form, refusal)
            return self.form_invalid(form)
        answers = form.to_answers()
        try:
            case = record_self_referral(
                answers=answers, form_token=request.POST.get(STARTED_FIELD, "")
            )
        except DomainError as refusal:
            logger.info("Self-referral refused: %s", refusal.code)
            if refusal.code == "ceiling":
                alert_managers_page_full()
            return self.stopped(full=refusal.code == "ceiling")
        request.session[SESSION_KEY] = {
            "reference": case.self_referral.public_reference,
            "days": contact_working_days(route=Route.HUB_CONTACT, enhanced=answers.under_18),
            "call": answers.safe_to_call and bool(answers.phone),
            "message": answers.safe_to_call and answers.may_leave_message,
            "write": answers.safe_to_write
            and bool(answers.email or (answers.address_line1 and answers.postcode)),
        }
        return redirect("self_referral_done")


@method_decorator(never_cache, name="dispatch")
class SelfReferralDoneView(PublicPageMixin, TemplateView):
    """The reference and what happens next, shown once from the session."""

    template_name = "intake/self_referral_done.html"

    def get(self, request, *args, **kwargs):
        done = request.session.pop(SESSION_KEY, None)
        if not isinstance(done, dict) or "reference" not in done:
            return redirect("self_referral")
        return self.render_to_response(self.get_context_data(done=done))


self_referral = login_not_required(SelfReferralView.as_view())
self_referral_done = login_not_required(SelfReferralDoneView.as_view())
