"""The matter tree of a system: the kinds of decision (investment, contract award, service
change…) that the lines of every scheme of delegation of the system are written against. A
line on a matter covers the matters beneath it.

Changes take keyword arguments, validate, run in one transaction and write an audit row; a
matter used by a line, or with matters beneath it, cannot be removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.changes import replaced, set_fields, stripped
from core.locking import lock_row, save_validated
from delegations.models import MatterCategory
from partners.audit import audit
from partners.models import System, User

MATTER_FIELDS = frozenset({"name", "code", "description", "order", "parent", "is_budget"})

# The matters of the default tree whose delegation hands over a budget or a pooled fund.
BUDGET_MATTERS = frozenset(
    {"pooled-budgets", "section-75", "finance", "budget-setting", "virement"}
)

# The matter tree every system starts with: (code, name, children).
DEFAULT_MATTERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("strategy", "Strategy and priorities", ()),
    (
        "investment",
        "Investment",
        (
            ("investment-capital", "Capital business cases"),
            ("investment-revenue", "Revenue business cases"),
        ),
    ),
    (
        "contracts",
        "Contracts",
        (
            ("contract-award", "Awarding a contract"),
            ("contract-variation", "Varying a contract"),
            ("contract-extension", "Extending a contract"),
            ("contract-termination", "Ending a contract early"),
        ),
    ),
    (
        "service-change",
        "Service change",
        (
            ("service-change-minor", "Minor service change"),
            ("service-change-major", "Significant service change that needs consultation"),
        ),
    ),
    (
        "pooled-budgets",
        "Pooled budgets",
        (("section-75", "Section 75 pooled budget arrangements"),),
    ),
    (
        "workforce",
        "Workforce",
        (
            ("workforce-posts", "Creating and changing posts"),
            ("workforce-secondments", "Secondments"),
        ),
    ),
    (
        "finance",
        "Finance",
        (
            ("budget-setting", "Setting budgets"),
            ("virement", "Moving budget between headings (virement)"),
            ("write-offs", "Writing off losses and debts"),
        ),
    ),
    (
        "governance",
        "Governance",
        (
            ("terms-of-reference", "Agreeing terms of reference"),
            ("appointments", "Appointments to committees and roles"),
        ),
    ),
)


@dataclass(frozen=True)
class MatterTree:
    """A system's matter categories, read in one query: name, parent and depth of each."""

    names: dict[int, str]
    parents: dict[int, int | None]
    budgets: frozenset[int] = frozenset()  # matters marked as a budget or pooled fund

    @classmethod
    def load(cls, system_id: int) -> MatterTree:
        rows = MatterCategory.objects.filter(system_id=system_id).values_list(
            "pk", "parent_id", "name", "is_budget"
        )
        names: dict[int, str] = {}
        parents: dict[int, int | None] = {}
        budgets: set[int] = set()
        for pk, parent_id, name, is_budget in rows:
            names[pk] = name
            parents[pk] = parent_id
            if is_budget:
                budgets.add(pk)
        return cls(names=names, parents=parents, budgets=frozenset(budgets))

    def is_budget(self, matter_id: int) -> bool:
        """Delegating the matter hands over a budget: it, or a matter above it, is one."""
        return any(pk in self.budgets for pk in self.lineage(matter_id))

    def lineage(self, matter_id: int) -> list[int]:
        """The matter, then its parent, up to the root."""
        chain: list[int] = []
        current: int | None = matter_id
        while current is not None and current in self.parents and current not in chain:
            chain.append(current)
            current = self.parents[current]
        return chain

    def depth(self, matter_id: int) -> int:
        return len(self.lineage(matter_id)) - 1

    def options(self) -> list[tuple[int, str]]:
        """(pk, name indented by depth) in tree order, for a select box; the order of the
        query (the model's order, then name) is kept among siblings."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in self.parents.items():
            children.setdefault(parent if parent in self.parents else None, []).append(pk)
        result: list[tuple[int, str]] = []

        def walk(parent: int | None, depth: int) -> None:
            for pk in children.get(parent, []):
                result.append((pk, "– " * depth + self.names[pk]))
                walk(pk, depth + 1)

        walk(None, 0)
        return result


# Changes ----------------------------------------------------------------------------------------


@transaction.atomic
def matter_tree_ensure(*, system: System, actor: User | None = None) -> int:
    """Create the default matter tree for the system where its codes are missing. Returns how
    many matters it added (0 when the tree is already there)."""
    existing = {m.code: m for m in MatterCategory.objects.filter(system=system)}
    added = 0
    for order, (code, name, children) in enumerate(DEFAULT_MATTERS, start=1):
        parent = existing.get(code)
        if parent is None:
            parent = MatterCategory.objects.create(
                system=system,
                code=code,
                name=name,
                order=order * 10,
                is_budget=code in BUDGET_MATTERS,
            )
            existing[code] = parent
            added += 1
        for child_order, (child_code, child_name) in enumerate(children, start=1):
            if child_code not in existing:
                existing[child_code] = MatterCategory.objects.create(
                    system=system,
                    parent=parent,
                    code=child_code,
                    name=child_name,
                    order=child_order * 10,
                    is_budget=child_code in BUDGET_MATTERS,
                )
                added += 1
    if added:
        audit(
            actor,
            "matter.tree_ensure",
            system,
            f"Added {added} default matter categories",
            {"added": added},
        )
    return added


def _check_parent(matter: MatterCategory, parent: MatterCategory | None) -> None:
    if parent is None:
        return
    if parent.system_id != matter.system_id:
        raise ValidationError({"parent": "Choose a matter of this system."})
    node: MatterCategory | None = parent
    while node is not None:
        if matter.pk and node.pk == matter.pk:
            raise ValidationError({"parent": "A matter cannot sit beneath itself."})
        node = node.parent


@transaction.atomic
def matter_add(
    *,
    actor: User | None,
    system: System,
    name: str,
    code: str,
    parent: MatterCategory | None = None,
    description: str = "",
    order: int | None = None,
    is_budget: bool = False,
) -> MatterCategory:
    if order is None:
        highest = MatterCategory.objects.filter(system=system, parent=parent).aggregate(
            top=Max("order")
        )["top"]
        order = (highest or 0) + 10
    matter = MatterCategory(
        system=system,
        parent=parent,
        name=name.strip(),
        code=code.strip().lower(),
        description=description.strip(),
        order=order,
        is_budget=is_budget,
    )
    _check_parent(matter, parent)
    save_validated(matter)
    audit(actor, "matter.add", matter, f"Added matter {matter.name} ({matter.code})")
    return matter


@transaction.atomic
def matter_update(*, actor: User | None, matter: MatterCategory, **changes: Any) -> MatterCategory:
    matter = lock_row(matter)
    if "parent" in changes:
        _check_parent(matter, changes["parent"])
    tidy = stripped(changes)
    if isinstance(tidy.get("code"), str):
        tidy["code"] = tidy["code"].lower()
    before = set_fields(matter, tidy, allowed=MATTER_FIELDS, doing="matter_update")
    save_validated(matter)
    audit(
        actor,
        "matter.update",
        matter,
        f"Changed matter {matter.name}",
        replaced(before),
    )
    return matter


@transaction.atomic
def matter_remove(*, actor: User | None, matter: MatterCategory) -> None:
    if matter.delegations.exists():
        raise ValidationError(
            f"{matter.name} is used by lines of a scheme of delegation, so it cannot be "
            "removed. Rename it instead."
        )
    if matter.children.exists():
        raise ValidationError(f"{matter.name} has matters beneath it: remove or move them first.")
    audit(actor, "matter.remove", matter, f"Removed matter {matter.name} ({matter.code})")
    matter.delete()
