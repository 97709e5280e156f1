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

from datetime import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, View

from assessments.models import PlanAction
from audit.case_views import CaseWorkMixin
from audit.models import AccessAction
from contact.letter_views import pdf_response
from core.choices import District
from core.errors import DomainError
from core.forms import add_error_to_form
from referrals import consent, services
from referrals.forms import (
    ChooseServiceForm,
    ConsentForm,
    DeclinedForm,
    TransferOutForm,
)
from referrals.models import Referral

# -- Work on a case ------------------------------------------------------------------------


class ReferralCaseMixin(CaseWorkMixin):
    """A page on the case's referrals or transfers: the case with its person and crime."""

    case_related = ("person", "crime")


class ReferralCreateView(ReferralCaseMixin, FormView):
    """Make a referral from a recovery-plan action, in three steps on one page (issue 16):
    the service (where the action names none); the victim's consent to share with it, asked
    now (referrals.consent: pre-filled only from an explicit earlier answer); then exactly
    what the document will carry, and the button that sends it, bound to those answers.
    A refusal is recorded and nothing is sent."""

    template_name = "referrals/referral_form.html"
    form_class = ConsentForm

    def load(self, **kwargs) -> None:
        self.action = get_object_or_404(
            PlanAction.objects.select_related("service"),
            pk=kwargs["action_pk"],
            plan__case=self.case,
        )
        self.chooser = None
        self.service = self.action.service
        if self.service is None:
            data = self.request.POST if self.request.method == "POST" else self.request.GET
            self.chooser = ChooseServiceForm(data if "service" in data else None)
            if self.chooser.is_valid():
                self.service = self.chooser.cleaned_data["service"]

    def get_form(self, form_class=None):
        if self.service is None:
            return None
        return ConsentForm(**self.get_form_kwargs(), service=self.service,
                           first_name=self.case.person.first_name)

    def get_initial(self):
        return consent.prefill(consent.consent_for(case=self.case, service=self.service))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.service
        self.log_read("make a referral")
        context.update(
            action=self.action,
            service=service,
            chooser=self.chooser,
            problems=(
                services.referral_problems(
                    case=self.case, action=self.action, service=service, consent_asked=False
                )
                if service else []
            ),
            page_url=self.page_url(),
        )
        return context

    def page_url(self) -> str:
        """This page, asking again (with the service chosen, where the action names none)."""
        path = self.request.path
        return f"{path}?service={self.service.pk}" if self.chooser and self.service else path

    def post(self, request, *args, **kwargs):
        if self.service is None:
            return self.render_to_response(self.get_context_data(form=None))
        if services.referral_problems(
            case=self.case, action=self.action, service=self.service, consent_asked=False
        ):
            return self.render_to_response(self.get_context_data(form=None))
        if "send" in request.POST:
            return self.send()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """The answers: recorded, then a refusal says so and the rest shows what will go."""
        try:
            answer = consent.record_consent(
                case=self.case, service=self.service, answers=form.to_answers(),
                by=self.request.user,
            )
        except DomainError as refused:
            add_error_to_form(form, refused)
            return self.form_invalid(form)
        if not answer.given:
            return self.render_to_response(self.get_context_data(form=None, refused=answer))
        return self.render_to_response(self.get_context_data(
            form=None, consent=answer, shared=consent.Shared.from_consent(answer),
        ))

    def send(self):
        """The referral, with the answers the VCC was shown (`consent_at`) and no other."""
        service = self.service
        try:
            shown = datetime.fromisoformat(self.request.POST.get("consent_at", ""))
        except ValueError:
            shown = None
        if shown is None or shown.tzinfo is None:
            messages.error(self.request, "Ask the victim about sharing before the referral "
                                         "is sent.")
            return redirect(self.page_url())
        try:
            with transaction.atomic():
                referral = services.make_referral(
                    case=self.case, action=self.action, service=service, by=self.request.user,
                    consent_recorded_at=shown,
                )
                self.log_read(f"referral {referral.pk} to {service.name}", AccessAction.EXPORT)
        except DomainError as refused:
            messages.error(self.request, refused.message)
            return redirect(self.page_url())
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
