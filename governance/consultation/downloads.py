"""A feedback summary's files as downloads, for the ICB admins' console and the advisory
group's pages alike: which files a summary has, one of them by format (404 otherwise), and the
download itself, audited."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpRequest

from core.requests import signed_in_user
from governance.consultation import feedback
from governance.consultation.models import (
    ExportFormat,
    FeedbackSummary,
    SummaryExport,
    SummaryPart,
)

FORMAT_ORDER = [choice.value for choice in ExportFormat]


def summary_exports(
    summary: FeedbackSummary, part: str = SummaryPart.HIGH_LEVEL
) -> list[SummaryExport]:
    """The files of `part` of the summary without their bytes, in the order the formats are
    listed (the high-level summary's unless the caller says which part)."""
    rows = list(SummaryExport.objects.filter(summary=summary, part=part).defer("data"))
    return sorted(rows, key=lambda row: FORMAT_ORDER.index(row.format))


def summary_export_or_404(
    summary: FeedbackSummary, fmt: str, part: str = SummaryPart.HIGH_LEVEL
) -> SummaryExport:
    """The file of `part` in format `fmt`. Each part has its own files for its own audiences,
    so a caller that does not say which part gets the high-level summary's, never the
    detailed review's."""
    if fmt not in ExportFormat.values or part not in SummaryPart.values:
        raise Http404("No such format.")
    export = (
        SummaryExport.objects.select_related("summary__round__system")
        .filter(summary=summary, format=fmt, part=part)
        .first()
    )
    if export is None:
        raise Http404("No such file.")
    return export


def export_download(request: HttpRequest, export: SummaryExport) -> FileResponse:
    """A stored summary file as a download that no cache keeps and no browser sniffs; each
    download is audited."""
    feedback.export_download_record(actor=signed_in_user(request), export=export)
    response = FileResponse(
        io.BytesIO(bytes(export.data)),
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
