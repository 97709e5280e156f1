"""The public "How to complain" page (Victims' Code right 12): no login, nothing stored."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView


@method_decorator(login_not_required, name="dispatch")
class HowToComplainView(TemplateView):
    template_name = "complaints/how_to_complain.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "hub_name": settings.HUB_NAME,
            "hub_phone": settings.HUB_PHONE,
            "hub_email": settings.HUB_EMAIL,
            "hub_address": settings.HUB_ADDRESS,
            "acknowledge_days": settings.HUB_COMPLAINT_ACKNOWLEDGE_WORKING_DAYS,
            "answer_days": settings.HUB_COMPLAINT_ANSWER_WORKING_DAYS,
        }
