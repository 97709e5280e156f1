from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone


class QuarterlyReturnSnapshot(models.Model):
    """The quarterly return for the OPCC as it was first published for an ended quarter.

    "The same period asked twice gives the same figures": once a quarter has ended its return
    is computed once, stored here, and every later request answers with this payload. A
    change of the counting rules gives a new version (a new row); the old one stays. The
    table is append-only: the database refuses UPDATE and DELETE.
    """

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    rules_version = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "quarter", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "rules_version"], name="one_return_per_quarter_rules"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_to_4"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="quarterly_return_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} ({self.rules_version})"
