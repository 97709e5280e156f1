"""The service directory, referrals from a recovery plan, and transfers between areas.

Rules: the directory is read by everyone who works cases and changed only by hub managers
(directory.manage_directory). Every case page here is an audit.case_views.CaseWorkMixin (its
case through casework_for, 404 otherwise; cases.view_casework and cases.work_case; the read
logged), and writes
through referrals.services inside one transaction with its access-log row. A referral or
a transfer out discloses a victim's details: the access log names the receiving service,
never anything about the victim.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.views.generic import FormView, View

from assessments.models import PlanAction
from audit.case_views import CaseWorkMixin
from audit.models import AccessAction
from contact.letter_views import pdf_response
from core.choices import District
from core.errors import DomainError
from core.forms import add_error_to_form
from referrals import services
from referrals.forms import (
    DeclinedForm,
    ReferralForm,
    TransferOutForm,
)
from referrals.models import Referral

# -- Work on a case ------------------------------------------------------------------------


class ReferralCaseMixin(CaseWorkMixin):
    """A page on the case's referrals or transfers: the case with its person and crime."""

    case_related = ("person", "crime")


class ReferralCreateView(ReferralCaseMixin, FormView):
    """Make a referral from a recovery-plan action: the page says what the document will
    carry (only what the victim consented to share with that service) before it goes."""

    template_name = "referrals/referral_form.html"
    form_class = ReferralForm

    def load(self, **kwargs) -> None:
        self.action = get_object_or_404(
            PlanAction.objects.select_related("service"),
            pk=kwargs["action_pk"],
            plan__case=self.case,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choose_service": self.action.service is None}

    def _service(self, form=None):
        if self.action.service is not None:
            return self.action.service
        if form is not None and form.is_bound and form.is_valid():
            return form.cleaned_data.get("service")
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self._service(context.get("form"))
        consent = services.consent_for(case=self.case, service=service) if service else None
        problems = (
            services.referral_problems(case=self.case, action=self.action, service=service)
            if service
            else []
        )
        self.log_read("make a referral")
        context.update(
            action=self.action,
            service=service,
            consent=consent,
            problems=problems,
            shared=services.Shared.from_consent(consent) if consent and consent.given else None,
        )
        return context

    def form_valid(self, form):
        service = self._service(form)
        try:
            with transaction.atomic():
                referral = services.make_referral(
                    case=self.case, action=self.action, service=service, by=self.request.user
                )
                self.log_read(f"referral {referral.pk} to {service.name}", AccessAction.EXPORT)
        except DomainError as refused:
            add_error_to_form(form, refused)
            return self.form_invalid(form)
        if referral.emailed_to:
            message = f"The referral to {service.name} has been sent by email."
        else:
            message = (
                f"The referral to {service.name} is recorded. The directory has no referral "
                "email for it: download the referral document and send it as the directory "
                "says."
            )
        messages.success(self.request, message)
        return self.back_to_case()


class ReferralActionMixin(ReferralCaseMixin):
    """A referral of the case from the URL."""

    def load(self, **kwargs) -> None:
        self.referral = get_object_or_404(
            Referral.objects.select_related("service").defer("document"),
            pk=kwargs["pk"],
            case=self.case,
        )


class ReferralAnswerView(ReferralActionMixin, View):
    """One button on the case page: the service accepted, or the work is completed, or the
    VCC chased the service, or the email goes again."""

    http_method_names = ["post"]
    record = None  # the service function
    done = ""

    def post(self, request, *args, **kwargs):
        try:
            type(self).record(referral=self.referral, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done.format(service=self.referral.service.name))
        return self.back_to_case()


class ReferralAcceptedView(ReferralAnswerView):
    record = services.record_referral_accepted
    done = "The referral to {service} is recorded as accepted."


class ReferralCompletedView(ReferralAnswerView):
    record = services.record_referral_completed
    done = "The referral to {service} is recorded as completed."


class ReferralChasedView(ReferralAnswerView):
    record = services.record_referral_chased
    done = "The chase of {service} is recorded; the next is scheduled."


class ReferralResendView(ReferralAnswerView):
    record = services.resend_referral_email
    done = "The referral email to {service} will be sent again."


class ReferralDeclinedView(ReferralActionMixin, FormView):
    template_name = "referrals/referral_declined.html"
    form_class = DeclinedForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record a declined referral")
        context.update(referral=self.referral)
        return context

    def form_valid(self, form):
        try:
            services.record_referral_declined(
                referral=self.referral, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"The referral to {self.referral.service.name} is recorded as declined."
        )
        return self.back_to_case()


class ReferralDocumentView(ReferralActionMixin, View):
    """The referral document as it was sent; every download is logged."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        document = Referral.objects.values_list("document", flat=True).get(pk=self.referral.pk)
        self.log_read(f"referral {self.referral.pk} document", AccessAction.DOWNLOAD)
        return pdf_response(bytes(document), self.referral.filename)


# -- Transfers -----------------------------------------------------------------------------


class TransferOutView(ReferralCaseMixin, FormView):
    """Record that a victim who lives in another police area was passed to that area."""

    template_name = "referrals/transfer_out.html"
    form_class = TransferOutForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("transfer to another area")
        context.update(
            out_of_area=self.case.person.district == District.OUT_OF_AREA,
            can_transfer=services.can_transfer_out(self.case),
        )
        return context

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            with transaction.atomic():
                transfer = services.record_transfer_out(
                    case=self.case,
                    area=d["area"],
                    organisation_name=d["organisation_name"],
                    shared=d["shared"],
                    by=self.request.user,
                    contact_name=d["contact_name"],
                    contact_email=d["contact_email"],
                    contact_phone=d["contact_phone"],
                    their_reference=d["their_reference"],
                    notes=d["notes"],
                )
                self.log_read(
                    f"transfer {transfer.pk} out to {transfer.organisation_name}"[:200],
                    AccessAction.EXPORT,
                )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Case {self.case.reference} is recorded as transferred to "
            f"{transfer.organisation_name}.",
        )
        return self.back_to_case()
