"""Contact work on a case: calls, outcomes, notes, a victim getting back in touch."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.generic import FormView, View

from accounts.roles import is_manager
from audit.case_views import CaseWorkMixin
from contact import letter_checks, services
from contact.forms import ContactAttemptForm, ContactOutcomeForm, NoteForm, SafeContactForm
from contact.models import Letter
from contact.notes import add_note
from contact.safe_contact import change_safe_contact
from core.errors import DomainError
from core.forms import add_error_to_form


class RecordAttemptView(CaseWorkMixin, FormView):
    """Record a phone attempt. The page shows the victim's safe-contact answers, the earlier
    attempts and the next slot the rules allow."""

    template_name = "contact/record_attempt.html"
    form_class = ContactAttemptForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["can_override"] = is_manager(self.request.user)
        return kwargs

    def get_initial(self):
        return {"number_used": self.case.person.phone}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record a call")
        ivna = getattr(self.case, "ivna", None)
        context.update(
            attempts=self.case.attempts.select_related("made_by"),
            slot=services.propose_next_attempt(self.case),
            bands=services.bands(),
            risk_markers=self.case.crime.marker_labels if self.case.crime_id else [],
            officer_notes=ivna.notes if ivna is not None else "",
        )
        return context

    def form_valid(self, form):
        try:
            recorded = services.record_contact_attempt(
                case=self.case,
                made_at=form.made_at,
                number_used=form.cleaned_data["number_used"],
                outcome=form.cleaned_data["outcome"],
                by=self.request.user,
                notes=form.cleaned_data["notes"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                with_interpreter=form.cleaned_data["with_interpreter"],
            )
        except DomainError as refused:
            add_error_to_form(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, recorded.summary)
        return self.back_to_where_they_were()


class RecordOutcomeView(CaseWorkMixin, FormView):
    template_name = "contact/record_outcome.html"
    form_class = ContactOutcomeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("record the contact outcome")
        return context

    def form_valid(self, form):
        try:
            moved = services.record_contact_outcome(
                case=self.case,
                outcome=form.cleaned_data["outcome"],
                by=self.request.user,
                detail=form.cleaned_data["detail"],
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, moved.summary)
        return self.back_to_where_they_were()


class AddNoteView(CaseWorkMixin, FormView):
    template_name = "contact/add_note.html"
    form_class = NoteForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("add a note")
        return context

    def form_valid(self, form):
        add_note(
            case=self.case,
            by=self.request.user,
            text=form.cleaned_data["text"],
            restricted=form.cleaned_data["restricted"],
        )
        messages.success(self.request, "The note has been added to the timeline.")
        return self.back_to_where_they_were()


class VictimGotInTouchView(CaseWorkMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            moved = services.record_victim_got_in_touch(
                case=self.case, by=request.user, note=request.POST.get("note", "")[:1000]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, moved.summary)
        return self.back_to_case()


class RetryLetterView(CaseWorkMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        letter = get_object_or_404(Letter, pk=kwargs["letter_pk"], case=self.case)
        try:
            letter_checks.retry_letter(letter=letter, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The letter will be sent again.")
        return self.back_to_case()


class SafeContactView(CaseWorkMixin, FormView):
    """Change the victim's safe-contact answers from their case, with a reason (intake can
    only make contact safer; making it less safe is a VCC's decision)."""

    template_name = "contact/safe_contact.html"
    form_class = SafeContactForm

    def get_initial(self):
        person = self.case.person
        return {
            name: "yes" if getattr(person, name) else "no" for name in SafeContactForm.ANSWERS
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.log_read("change safe contact")
        return context

    def form_valid(self, form):
        try:
            changes = change_safe_contact(
                case=self.case, by=self.request.user, answers=form.answers(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, "Safe contact changed. " + "; ".join(str(c) for c in changes) + "."
        )
        return self.back_to_case()
