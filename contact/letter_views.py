"""Letters in the browser: download one letter's PDF, and the post room's print runs.

Rules: only users who work cases, and only letters of cases they may open (casework_for);
every PDF served is a read of victims' records and is logged with the case and person ids;
PDFs are never cached by the browser or a proxy.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from audit.models import AccessAction
from audit.selectors import casework_for
from audit.services import record_access
from contact.letters import (
    day_batch_letters,
    postal_letters_awaiting_approval,
    postal_letters_waiting,
    take_print_run,
)
from contact.models import Channel, Letter, LetterStatus
from core.errors import DomainError

RECENT_DAYS = 14


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class LetterDownloadView(PermissionRequiredMixin, View):
    """One letter's PDF, as sent or as it will be printed."""

    permission_required = "cases.view_casework"

    def get(self, request, pk: int):
        letter = get_object_or_404(
            Letter.objects.filter(case__in=casework_for(request.user)).select_related("case"),
            pk=pk,
        )
        if not letter.pdf:
            raise Http404("This letter has not been rendered yet.")
        record_access(
            request=request,
            action=AccessAction.DOWNLOAD,
            case_ids=[letter.case_id],
            person_ids=[letter.case.person_id],
            detail=f"letter {letter.pk} PDF",
        )
        return pdf_response(bytes(letter.pdf), letter.filename)


class PostRoomView(PermissionRequiredMixin, TemplateView):
    """How many approved postal letters wait, the print button, and recent print days."""

    permission_required = "cases.view_casework"
    template_name = "contact/post_room.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        waiting = postal_letters_waiting(user).count()
        waiting_elsewhere = postal_letters_waiting().count() - waiting
        awaiting_approval = postal_letters_awaiting_approval(user).count()
        days = list(
            Letter.objects.filter(
                case__in=casework_for(user), channel=Channel.POST, status=LetterStatus.SENT,
                sent_at__isnull=False,
            )
            .annotate(day=TruncDate("sent_at"))
            .values("day")
            .annotate(count=Count("pk"))
            .order_by("-day")[:RECENT_DAYS]
        )
        context.update(
            waiting=waiting,
            waiting_elsewhere=max(waiting_elsewhere, 0),
            awaiting_approval=awaiting_approval,
            days=days,
        )
        return context


class PrintRunView(PermissionRequiredMixin, View):
    """Print today's letters: one PDF of every approved postal letter waiting, marked sent."""

    permission_required = "cases.view_casework"

    def post(self, request):
        try:
            batch = take_print_run(by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("letters:post_room")
        record_access(
            request=request,
            action=AccessAction.DOWNLOAD,
            case_ids=batch.case_ids,
            person_ids=batch.person_ids,
            detail=f"post room print run: {len(batch.letters)} letters",
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        return pdf_response(batch.pdf, f"letters-{stamp}.pdf")


class DayBatchView(PermissionRequiredMixin, View):
    """The postal letters printed on one day, joined again to reprint them."""

    permission_required = "cases.view_casework"

    def get(self, request, day):
        batch = day_batch_letters(day, request.user)
        if not batch.letters:
            raise Http404("No letters were printed on that day.")
        record_access(
            request=request,
            action=AccessAction.DOWNLOAD,
            case_ids=batch.case_ids,
            person_ids=batch.person_ids,
            detail=f"post room reprint of {day:%Y-%m-%d}: {len(batch.letters)} letters",
        )
        return pdf_response(batch.pdf, f"letters-{day:%Y-%m-%d}.pdf")
