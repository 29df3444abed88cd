"""A feedback summary's files as downloads, for the ICB admins' console and the readers'
pages alike: which files a summary has (for the parts a person may read), one of them by part
and format (404 otherwise), and the download itself, audited."""

from __future__ import annotations

import io
from collections.abc import Iterable

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
PART_ORDER = [choice.value for choice in SummaryPart]


def summary_exports(
    summary: FeedbackSummary, parts: Iterable[str] | None = None
) -> list[SummaryExport]:
    """The summary's files (of `parts`, or all) without their bytes, part by part in reading
    order, formats in the order they are listed."""
    rows = SummaryExport.objects.filter(summary=summary).defer("data")
    if parts is not None:
        rows = rows.filter(part__in=list(parts))
    return sorted(
        rows, key=lambda row: (PART_ORDER.index(row.part), FORMAT_ORDER.index(row.format))
    )


def summary_export_or_404(summary: FeedbackSummary, part: str, fmt: str) -> SummaryExport:
    if fmt not in ExportFormat.values or part not in SummaryPart.values:
        raise Http404("No such file.")
    export = (
        SummaryExport.objects.select_related("summary__round__system")
        .filter(summary=summary, part=part, format=fmt)
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
