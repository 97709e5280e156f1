"""The safety check of one letter to a victim at risk (issue 12): where it will go, what it
says, and the VCC's decision: approve and send, or stop it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.generic import FormView, View

from audit.case_views import CaseWorkMixin
from contact import letter_checks
from contact.forms import StopLetterForm
from contact.letters import render_letter_text
from contact.models import Channel, Letter
from core.errors import DomainError
from core.forms import add_error_to_form


class LetterMixin(CaseWorkMixin):
    case_related = ("person", "crime")
    letter: Letter

    def load(self, **kwargs) -> None:
        self.letter = get_object_or_404(
            Letter.objects.defer("pdf").select_related("approved_by", "stopped_by"),
            pk=kwargs["letter_pk"],
            case=self.case,
        )
        self.letter.case = self.case
        self.letter.awaiting_check = letter_checks.waiting_for_check(self.letter)


class CheckLetterView(LetterMixin, FormView):
    """The check page (GET) and stopping the letter with a reason (POST)."""

    template_name = "contact/check_letter.html"
    form_class = StopLetterForm
    read_detail = "letter safety check"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = self.letter
        # What the victim would get, rendered now (the stored text once it has been sent).
        text = letter.text or render_letter_text(letter)[1]
        context.update(
            letter=letter,
            recipient=letter_checks.recipient(letter),
            by_email=letter.channel == Channel.EMAIL,
            text=text,
            has_pdf=letter.rendered_at is not None,
            at_risk=letter_checks.needs_safety_check(letter),
            may_decide=letter_checks.may_decide(letter),
        )
        return context

    def form_valid(self, form):
        try:
            letter_checks.stop_letter(
                letter=self.letter, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "The letter has been stopped: it will not be sent.")
        return self.back_to_case(anchor="letters")


class ApproveLetterView(LetterMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            letter = letter_checks.approve_letter(letter=self.letter, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "The email has been approved and will be sent now."
                if letter.channel == Channel.EMAIL
                else "The letter has been approved for the post room.",
            )
        return self.back_to_case(anchor="letters")
