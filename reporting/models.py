from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone


class ReturnKind(models.TextChoices):
    """The returns published by quarter with versions (reporting.versions.KINDS)."""

    QUARTERLY = "quarterly", "Quarterly return"
    COMPLIANCE = "compliance", "Victims' Code compliance return"


class QuarterlyReturnVersion(models.Model):
    """One published version of a quarterly return for the OPCC (docs/returns.md): the
    quarterly return, or the Victims' Code compliance return (`kind`), each versioned alike.

    A quarter is provisional (computed live, never stored) until the finalisation job
    (`reporting.services.update_quarterly_returns`) stores it as version 1; a later run that
    finds different figures, or figures made by a different version of the counting rules,
    stores version 2, 3, ... with what changed. A version is never overwritten: the database
    refuses UPDATE and DELETE, and (kind, year, quarter, version) is unique, so two runs at once
    cannot both store the same version.
    """

    kind = models.CharField(
        max_length=20, choices=ReturnKind.choices, default=ReturnKind.QUARTERLY
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField()
    rules_version = models.CharField(max_length=100)
    payload = models.JSONField(help_text="The return as computed (reporting.returns).")
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="From the version before: [{section, breakdown, category, from, to}].",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "year", "quarter", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "quarter", "version"],
                name="one_return_per_kind_quarter_version",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="return_version_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="return_version_from_1"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="quarterly_return_version_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} Q{self.quarter} v{self.version}"
