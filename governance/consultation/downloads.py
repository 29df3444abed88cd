"""A feedback summary's files as downloads, for the ICB admins' console and the advisory
group's pages alike: which files a summary has, one of them by format (404 otherwise), and the
download itself, audited."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpRequest

from core.requests import signed_in_user
from governance.consultation import feedback
from governance.consultation.models import ExportFormat, FeedbackSummary, SummaryExport

FORMAT_ORDER = [choice.value for choice in ExportFormat]


def summary_exports(summary: FeedbackSummary) -> list[SummaryExport]:
    """The summary's files without their bytes, in the order the formats are listed."""
    rows = list(SummaryExport.objects.filter(summary=summary).defer("data"))
    return sorted(rows, key=lambda row: FORMAT_ORDER.index(row.format))


def summary_export_or_404(summary: FeedbackSummary, fmt: str) -> SummaryExport:
    if fmt not in ExportFormat.values:
        raise Http404("No such format.")
    export = (
        SummaryExport.objects.select_related("summary__round__system")
        .filter(summary=summary, format=fmt)
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
