"""Changes made in the Django admin are audited as the services' changes are: one AuditEvent
for every record added, changed or deleted there (inline rows and bulk deletes included),
naming who did it, to which record, which fields changed, and the system the record belongs
to, so the system's ICB admins see it in the console's audit log. Each row is written inside
the transaction of the change it records, so the two land or fail together."""

from __future__ import annotations

import types
from collections import Counter
from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from core.requests import user_or_none
from partners.audit import actor_name, audit_records, audit_systems, record_system
from partners.models import User

ADMIN_ADD = "admin.add"
ADMIN_CHANGE = "admin.change"
ADMIN_DELETE = "admin.delete"


def _describe(record: models.Model) -> str:
    return f"{record._meta.verbose_name} “{record}”"


def _field_labels(form: ModelForm | None, names: list[str]) -> list[str]:
    labels = []
    for name in names:
        field = form.fields.get(name) if form is not None else None
        labels.append(str(field.label) if field is not None and field.label else name)
    return labels


def _also_deleted(record: models.Model) -> dict[str, int]:
    """What deleting the record takes with it (rows that cascade), by model, so the audit row
    says what went even where the admin's confirmation page is all that listed it."""
    collector = Collector(using=router.db_for_write(type(record)))
    collector.collect([record])
    counts: Counter[str] = Counter()
    for model, instances in collector.data.items():
        counts[model._meta.label] += len(instances)
    for queryset in collector.fast_deletes:
        counts[queryset.model._meta.label] += queryset.count()
    counts[record._meta.label] -= 1
    return {label: count for label, count in sorted(counts.items()) if count > 0}


def audit_admin_save(
    *,
    actor: User | None,
    record: models.Model,
    form: ModelForm | None,
    changed: list[str],
    added: bool,
    parent: models.Model | None = None,
) -> None:
    """Record a record added or changed in the admin (a change that changed nothing is not
    one)."""
    if not added and not changed:
        return
    labels = _field_labels(form, changed)
    verb = "added" if added else "changed"
    within = f" {'to' if added else 'of'} {_describe(parent)}" if parent is not None else ""
    fields = f": {', '.join(labels)}" if labels and not added else ""
    details: dict[str, Any] = {"fields": changed}
    if parent is not None:
        details["parent"] = {"type": parent._meta.label, "id": str(parent.pk)}
    # A person's account is told to every system they belong to (`audit_systems`).
    audit_records(
        actor=actor,
        systems=audit_systems(record),
        action=ADMIN_ADD if added else ADMIN_CHANGE,
        target=record,
        summary=f"{actor_name(actor)} {verb} {_describe(record)}{within} in the Django "
        f"admin{fields}",
        details=details,
    )


def audit_admin_delete(
    *, actor: User | None, record: models.Model, parent: models.Model | None = None
) -> None:
    """Record a record about to be deleted in the admin; called inside the deletion's
    transaction, before it, while the record still has its primary key and relations."""
    systems = audit_systems(record)
    if record_system(record) == record:
        # A system's own deletion cannot be filed under it: the audit row would outlive it.
        systems = [None]
    within = f" of {_describe(parent)}" if parent is not None else ""
    details: dict[str, Any] = {"record": str(record), "also_deleted": _also_deleted(record)}
    if parent is not None:
        details["parent"] = {"type": parent._meta.label, "id": str(parent.pk)}
    audit_records(
        actor=actor,
        systems=systems,
        action=ADMIN_DELETE,
        target=record,
        summary=f"{actor_name(actor)} deleted {_describe(record)}{within} in the Django admin",
        details=details,
    )


class AuditedAdmin(admin.ModelAdmin):
    """Put first among a ModelAdmin's bases: every save and delete the admin makes, of the
    record or of its inline rows, writes an audit row in the same transaction. The admin's
    add, change and delete views and its list editing already run in a transaction; the bulk
    delete action does not, so it opens one."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_admin_save(
            actor=user_or_none(request),
            record=obj,
            form=form,
            changed=list(form.changed_data),
            added=not change,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_admin_delete(actor=user_or_none(request), record=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            actor = user_or_none(request)
            for record in queryset:
                audit_admin_delete(actor=actor, record=record)
            super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if not isinstance(formset, BaseModelFormSet):
            super().save_formset(request, form, formset, change)
            return
        actor = user_or_none(request)
        parent = getattr(formset, "instance", None)
        # Deleted rows are recorded first: once deleted they have lost their primary key.
        for deleted_form in formset.deleted_forms:
            if deleted_form.instance.pk is not None:
                audit_admin_delete(actor=actor, record=deleted_form.instance, parent=parent)
        super().save_formset(request, form, formset, change)
        form_of = {id(row_form.instance): row_form for row_form in formset.forms}
        for record in formset.new_objects:
            row_form = form_of.get(id(record))
            audit_admin_save(
                actor=actor,
                record=record,
                form=row_form,
                changed=list(row_form.changed_data) if row_form is not None else [],
                added=True,
                parent=parent,
            )
        for record, changed in formset.changed_objects:
            audit_admin_save(
                actor=actor,
                record=record,
                form=form_of.get(id(record)),
                changed=list(changed),
                added=False,
                parent=parent,
            )


def audit_registered_admins(site: admin.AdminSite) -> None:
    """Give the admins other apps registered (auth groups, sign-in lockouts, two-factor
    devices) the audit too: a change there changes who may get in."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdmin):
            continue
        base = type(model_admin)
        audited = types.new_class(
            f"Audited{base.__name__}",
            (AuditedAdmin, base),
            exec_body=lambda namespace: namespace.update({"__module__": __name__}),
        )
        site.unregister(model)
        site.register(model, audited)
