"""Retention and the data subject in the browser: for hub managers only
(`privacy.handle_requests`).

Every page that shows a person's data is a read and is logged (record_access); every bundle
downloaded, correction and erasure decision is a DataSubjectRequest row as well. Bundles are
never cached.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from audit.case_views import CaseScopedMixin
from audit.models import AccessAction
from audit.services import record_access
from cases.models import Case, Person
from contact.letter_views import pdf_response
from contact.letters import html_to_pdf
from core.errors import DomainError
from core.forms import add_error_to_form
from privacy import redaction, selectors, services
from privacy.forms import (
    ErasureForm,
    LegalHoldForm,
    LiftHoldForm,
    RectificationForm,
    RetentionScheduleForm,
)
from privacy.models import AnonymisedPerson, LegalHold, RetentionRun

PERMISSION = "privacy.handle_requests"


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class ManagerView(PermissionRequiredMixin):
    permission_required = PERMISSION


# -- The retention schedule ----------------------------------------------------------------


class RetentionScheduleView(ManagerView, FormView):
    """The schedule: every rule with its period (editable), what it covers and why; the
    last runs of the daily job; how many cases are due now and how many are held."""

    form_class = RetentionScheduleForm
    template_name = "privacy/schedule.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rules": selectors.retention_rules()}

    def form_valid(self, form):
        changed = services.set_retention_periods(years=form.years(), by=self.request.user)
        if changed:
            messages.success(
                self.request,
                "Retention schedule saved: " + "; ".join(f"{r.name} now {r.years} years"
                                                         for r in changed) + ".",
            )
        else:
            messages.success(self.request, "Retention schedule saved: no period changed.")
        return redirect("privacy:schedule")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rules=context["form"].rules,
            runs=list(RetentionRun.objects.order_by("-started_at", "-pk")[:5]),
            due=selectors.due_for_retention().count(),
            held=selectors.held_past_retention().count(),
            active_holds=LegalHold.objects.active().count(),
        )
        return context


# -- Legal holds ---------------------------------------------------------------------------


class LegalHoldListView(ManagerView, TemplateView):
    """Every active hold, and the ones lifted lately (ids and references only, no names)."""

    template_name = "privacy/holds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        holds = LegalHold.objects.select_related("case", "placed_by", "lifted_by")
        context.update(
            active=list(holds.active().order_by("placed_at", "pk")),
            lifted=list(holds.filter(lifted_at__isnull=False).order_by("-lifted_at")[:20]),
            lift_form=LiftHoldForm(),
        )
        return context


class _PlaceHoldView(ManagerView, FormView):
    form_class = LegalHoldForm
    template_name = "privacy/hold_form.html"

    def target(self) -> tuple[Case | None, Person | None]:
        raise NotImplementedError

    def done_url(self, case: Case | None, person: Person | None) -> str:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(PERMISSION):
            self.case, self.person = self.target()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            hold = services.place_hold(
                case=self.case,
                person=self.person,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                by=self.request.user,
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        on = f"case {self.case.reference}" if self.case else "everything about this person"
        messages.success(
            self.request, f"Legal hold placed on {on}: {hold.get_reason_display().lower()}."
        )
        return redirect(self.done_url(self.case, self.person))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person or self.case.person
        if self.case is not None:
            holds = selectors.active_holds(case=self.case)
        else:
            holds = selectors.active_holds(person=person)
            # A case's hold form is logged by its base (audit.case_views).
            record_access(
                request=self.request,
                action=AccessAction.VIEW,
                person_ids=[person.pk],
                detail="legal hold form",
            )
        context.update(
            case=self.case,
            person=person,
            holds=holds,
            lift_form=LiftHoldForm(),
            back_url=self.done_url(self.case, self.person),
        )
        return context


class CaseHoldView(CaseScopedMixin, _PlaceHoldView):
    """Place a legal hold on one case (linked from the case page)."""

    permission_required = PERMISSION
    read_detail = "legal hold form"

    def target(self):
        return self.case, None

    def done_url(self, case, person):
        return reverse("cases:detail", args=[case.pk])


class PersonHoldView(_PlaceHoldView):
    """Place a legal hold on everything about a person (from the subject access page)."""

    def target(self):
        return None, get_object_or_404(Person, pk=self.kwargs["pk"])

    def done_url(self, case, person):
        return reverse("privacy:subject_access", args=[person.pk])


class LiftHoldView(ManagerView, View):
    """Lift a hold, with the reason (the form is on the hold pages and the case page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = LiftHoldForm(request.POST)
        if not form.is_valid():
            hold_id = request.POST.get("hold", "")
            hold = LegalHold.objects.filter(pk=hold_id if hold_id.isdigit() else 0).first()
            messages.error(request, "Enter why the hold can be lifted.")
            return redirect(_hold_page(hold))
        hold = get_object_or_404(
            LegalHold.objects.select_related("case"), pk=form.cleaned_data["hold"]
        )
        try:
            services.lift_hold(hold=hold, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            on = f"case {hold.case.reference}" if hold.case else "the person"
            messages.success(request, f"Legal hold on {on} lifted.")
        return redirect(_hold_page(hold))


def _hold_page(hold: LegalHold | None) -> str:
    if hold is None:
        return reverse("privacy:holds")
    if hold.case_id:
        return reverse("cases:detail", args=[hold.case_id])
    return reverse("privacy:subject_access", args=[hold.person_id])


# -- Subject access, rectification, erasure ------------------------------------------------


class _PersonMixin(ManagerView):
    def get_person(self) -> Person:
        if not hasattr(self, "_person"):
            self._person = get_object_or_404(
                Person.objects.select_related("anonymisation"), pk=self.kwargs["pk"]
            )
        return self._person


def _anonymised(person: Person) -> bool:
    try:
        return person.anonymisation is not None
    except AnonymisedPerson.DoesNotExist:
        return False


class SubjectAccessView(_PersonMixin, TemplateView):
    """One person: what is held, the downloads of the bundle, the requests so far, and the
    ways to correct, erase or hold their data."""

    template_name = "privacy/subject_access.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.get_person()
        cases = list(
            Case.objects.filter(person=person)
            .select_related("crime", "anonymisation")
            .order_by("-referred_at", "-pk")
        )
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[c.pk for c in cases],
            person_ids=[person.pk],
            detail="subject access page",
        )
        context.update(
            person=person,
            anonymised=_anonymised(person),
            cases=cases,
            holds=selectors.active_holds(person=person),
            requests=list(selectors.data_requests_of(person)),
            lift_form=LiftHoldForm(),
        )
        return context


class SubjectAccessReviewView(_PersonMixin, TemplateView):
    """Before the bundle: each item that may need redaction (notes, reasons for access,
    third parties' details) with include or redact; the choices are logged (issue 13)."""

    template_name = "privacy/subject_access_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.get_person()
        items = redaction.review_items(person)
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=list(Case.objects.filter(person=person).values_list("pk", flat=True)),
            person_ids=[person.pk],
            detail="subject access review",
        )
        review = redaction.latest_review(person)
        chosen = kwargs.get("chosen") or (review.decisions if review else {})
        context.update(
            person=person,
            items=[(item, chosen.get(item.key, "")) for item in items],
            review=review,
        )
        return context

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        choices = {
            key: value for key, value in request.POST.items() if value in redaction.CHOICES
        }
        try:
            review = redaction.record_review(person=person, by=request.user, choices=choices)
        except DomainError as error:
            context = self.get_context_data(chosen=choices, error=error.message)
            return self.render_to_response(context)
        redacted = len(review.redacted)
        messages.success(
            request,
            f"Review recorded: {len(review.decisions) - redacted} included, {redacted} "
            "redacted. The bundle can be downloaded.",
        )
        return redirect("privacy:subject_access", pk=person.pk)


class _BundleView(_PersonMixin, View):
    export_format = ""

    def get(self, request, *args, **kwargs):
        person = self.get_person()
        redact = redaction.redactions_for(person)
        if redact is None:
            messages.info(
                request, "Review what to include or redact before the bundle is produced."
            )
            return redirect("privacy:subject_access_review", pk=person.pk)
        bundle = selectors.subject_access_bundle(person, redact=redact)
        case_ids = [case["id"] for case in bundle["cases"]]
        services.record_subject_access(
            person=person, by=request.user, export_format=self.export_format, case_ids=case_ids,
            redacted=len(redact),
        )
        record_access(
            request=request,
            action=AccessAction.EXPORT,
            case_ids=case_ids,
            person_ids=[person.pk],
            detail=f"subject access bundle ({self.export_format.upper()})",
        )
        return no_store(self.render(person, bundle))

    def render(self, person: Person, bundle: dict) -> HttpResponse:
        raise NotImplementedError


class SubjectAccessJsonView(_BundleView):
    """Everything held about the person, as JSON (machine-readable, Art. 15(3))."""

    export_format = "json"

    def render(self, person, bundle):
        body = json.dumps(bundle, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{person.pk}.json"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SubjectAccessPdfView(_BundleView):
    """The same, as a readable PDF (WeasyPrint with the data-only fetcher)."""

    export_format = "pdf"

    def render(self, person, bundle):
        html = render_to_string(
            "privacy/bundle_pdf.html",
            {
                "name": person.full_name,
                "person_id": person.pk,
                "generated_at": timezone.localtime(bundle["generated_at"]),
                "document": selectors.bundle_document(bundle),
                "hub_name": settings.HUB_NAME,
            },
        )
        return pdf_response(html_to_pdf(html), f"subject-access-{person.pk}.pdf")


class RectifyView(_PersonMixin, FormView):
    """Correct the person's details at their request, with the reason."""

    form_class = RectificationForm
    template_name = "privacy/rectify.html"

    def get_form_kwargs(self):
        # A copy of the person for the form to work on: the service saves the correction.
        instance = Person.objects.get(pk=self.get_person().pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(PERMISSION):
            if _anonymised(self.get_person()):
                messages.error(request, "This person has been anonymised: nothing to correct.")
                return redirect("privacy:subject_access", pk=self.kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            request = services.rectify_person(
                person=self.get_person(),
                by=self.request.user,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Correction recorded: {', '.join(f.replace('_', ' ') for f in request.fields)}.",
        )
        return redirect("privacy:subject_access", pk=self.get_person().pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.get_person()
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            person_ids=[person.pk],
            detail="rectification form",
        )
        return {**context, "person": person}


class ErasureView(_PersonMixin, FormView):
    """Record an erasure request and the decision: erase now, or refuse with the reason."""

    form_class = ErasureForm
    template_name = "privacy/erasure.html"

    def form_valid(self, form):
        person = self.get_person()
        try:
            request = services.record_erasure_request(
                person=person,
                by=self.request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        if request.decision == "erased":
            messages.success(
                self.request,
                f"Erasure recorded: {len(request.case_ids)} cases and the person's details "
                "anonymised.",
            )
        else:
            messages.success(self.request, "Erasure request recorded as refused.")
        return redirect("privacy:subject_access", pk=person.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.get_person()
        cases = list(Case.objects.filter(person=person).order_by("-referred_at", "-pk"))
        record_access(
            request=self.request,
            action=AccessAction.VIEW,
            case_ids=[c.pk for c in cases],
            person_ids=[person.pk],
            detail="erasure form",
        )
        return {
            **context,
            "person": person,
            "cases": cases,
            "holds": selectors.active_holds(person=person),
            "anonymised": _anonymised(person),
        }
