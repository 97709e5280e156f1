"""Figures worked out live, kept for a few minutes (issue 17).

The dashboard, the flow API, the outcome tables and a return not yet stored as a version are
aggregates over every referral of their period: at 300,000 cases the dashboard took about
3 s and a provisional compliance return about 4 s, and each such request held one of the
web workers, so the VCCs' pages queued behind them (bench/RESULTS.md). Figures for the same
question (the same kind, period, district, day and counting rules) are the same for
everyone allowed to see them, so they are worked out once and kept in the cache (Redis in
production) for `HUB_FIGURES_CACHE_SECONDS` (300 by default); the pages say when they were
worked out. `reporting.tasks.refresh_figures` works out the pages' default questions ahead
of the cache expiring, in the Celery worker, so no one waits for those.

Only aggregates are kept, never a case or a person; the key names the question, which holds
no personal data either. A key changes with the counting rules' versions, so figures made by
older rules are never served after a deployment. If the cache cannot be reached the figures
are worked out as before: the cache is a saving, never a dependency.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from reporting.compliance_return import COMPLIANCE_RULES_VERSION
from reporting.returns import RULES_VERSION

logger = logging.getLogger(__name__)

T = TypeVar("T")
PREFIX = "hub:figures"


@dataclass(frozen=True)
class Figures(Generic[T]):
    """Figures and when they were worked out."""

    value: T
    worked_out_at: datetime


def key_for(name: str, question: Mapping[str, Any]) -> str:
    """The cache key of a question: its name, the counting rules' versions and a digest of
    its parameters (dates, a district, a year and quarter)."""
    body = json.dumps({"rules": [RULES_VERSION, COMPLIANCE_RULES_VERSION], **question},
                      sort_keys=True, default=str)
    return f"{PREFIX}:{name}:{hashlib.sha256(body.encode()).hexdigest()[:32]}"


def _seconds() -> int:
    return int(settings.HUB_FIGURES_CACHE_SECONDS)


def _work_out(key: str, compute: Callable[[], T], seconds: int) -> Figures[T]:
    figures = Figures(compute(), timezone.now())
    if seconds > 0:
        try:
            cache.set(key, figures, seconds)
        except Exception:  # noqa: BLE001 - the cache is a saving, never a dependency
            logger.warning("figures not cached: the cache could not be reached",
                           extra={"figures": key})
    return figures


def figures(name: str, question: Mapping[str, Any], compute: Callable[[], T]) -> Figures[T]:
    """The figures answering `question`, from the cache when they were worked out in the last
    `HUB_FIGURES_CACHE_SECONDS`, else worked out by `compute` (and kept)."""
    seconds = _seconds()
    key = key_for(name, question)
    if seconds > 0:
        try:
            found = cache.get(key)
        except Exception:  # noqa: BLE001
            logger.warning("figures worked out: the cache could not be reached",
                           extra={"figures": key})
            found = None
        if isinstance(found, Figures):
            return found
    return _work_out(key, compute, seconds)


def refresh(name: str, question: Mapping[str, Any], compute: Callable[[], T]) -> Figures[T]:
    """Work the figures out now and keep them (the scheduled refresh): a page asking the same
    question in the next `HUB_FIGURES_CACHE_SECONDS` reads them."""
    return _work_out(key_for(name, question), compute, _seconds())
