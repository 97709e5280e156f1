"""The quarterly return as CSV (`Accept: text/csv` or `?format=csv`): the tidy CSV of
`reporting.return_csv` (docs/returns.md)."""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework.renderers import BaseRenderer

from reporting.compliance_return import TITLE as COMPLIANCE_TITLE
from reporting.return_csv import return_csv


def csv_filename(data: Mapping, name: str = "opcc-return") -> str:
    version = "" if data["version"] is None else f"-v{data['version']}"
    return f"{name}-{data['year']}-q{data['quarter']}{version}.csv"


class QuarterlyReturnCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return return_csv(data).encode(self.charset)


class ComplianceReturnCSVRenderer(QuarterlyReturnCSVRenderer):
    """The compliance return as the same tidy CSV (docs/compliance-return.md)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return return_csv(data, COMPLIANCE_TITLE).encode(self.charset)
