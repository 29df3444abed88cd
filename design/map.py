"""The governance map of a place: its bodies (active committees and delegate roles), the
boards of the partner organisations they answer to or hold authority from, and the lines
between them, laid out in layers and drawn as a server-rendered SVG with a text equivalent.

Row 0 holds the organisations' boards; every other body sits one row below the body it
answers to (a body answering to a board, or to no one recorded, sits on row 1). Lines:
- accountability (solid): a committee to the committee or board it answers to, a delegate
  role to its committee or, failing one, to its own organisation's board;
- delegation (dashed): an organisation's board to a committee or role of the place, from
  the lines of that organisation's scheme of delegation in force today that apply to this
  place (lines for every place, or for this one), labelled with its matters and their value
  bands in the words of delegations.bands ("4 matters: Contracts up to and including
  £1,000,000; 3 with any value"). The diagram's label and the text equivalent are the same
  string, so the picture never says more or less than the text.

With them, how the place delivers care (governance.delivery): the archetype it follows and who
holds each function, named beside the bodies that hold one and listed with the map's text.

Five queries, whatever the number of bodies, lines and functions."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from delegations.bands import band_text
from delegations.models import DelegateRole, Delegation, SchemeStatus
from governance.delivery.selectors import FunctionRow, PlaceDelivery, place_delivery
from governance.structures.models import Committee, CommitteeKind
from partners.models import Organisation, Place, Sector, board_of

# Layout, in SVG user units.
BOX_W = 216
BOX_H = 84
GAP_X = 40
GAP_Y = 104
MARGIN = 16
LINE_CHARS = 26
NAME_LINES = 3
ATTACH_OFFSET = 18  # accountability lines attach left of centre, delegation lines right
LABEL_CHARS = 34  # a delegation label's line, before it wraps
LABEL_LINE = 15  # the height of one line of a delegation label

SHORT_KINDS: dict[str, str] = {
    CommitteeKind.PARTNERSHIP_BOARD: "Partnership board",
    CommitteeKind.ICB_COMMITTEE: "Committee of the ICB",
    CommitteeKind.JOINT_COMMITTEE: "Joint committee",
    CommitteeKind.LEAD_PROVIDER_BOARD: "Lead provider board",
    CommitteeKind.SUB_COMMITTEE: "Sub-committee",
}

SECTOR_ORDER: dict[str, int] = {
    Sector.ICB: 0,
    Sector.UPPER_TIER_COUNCIL: 1,
    Sector.DISTRICT_COUNCIL: 2,
    Sector.ACUTE_TRUST: 3,
    Sector.COMBINED_TRUST: 4,
    Sector.COMMUNITY_TRUST: 5,
    Sector.MENTAL_HEALTH_TRUST: 6,
    Sector.AMBULANCE_TRUST: 7,
}


@dataclass
class Node:
    key: str
    name: str
    kind: str  # shown under the name
    css: str  # board, committee or role
    short_kind: str = ""  # for the diagram
    row: int = 0
    col: int = 0
    x: int = 0
    y: int = 0
    parent_key: str | None = None

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2


Band = tuple[Decimal, Decimal | None]  # (from, up to), as a scheme line holds them


def merged_bands(bands: list[Band]) -> tuple[Band, ...]:
    """The bands as few as say the same values: a band that starts at or below where the
    previous one ends continues it (up to and including £250,000 and over £250,000 up to and
    including £1,000,000 are up to and including £1,000,000)."""
    merged: list[Band] = []
    for start, end in sorted(bands, key=lambda band: band[0]):
        if merged:
            previous_start, previous_end = merged[-1]
            if previous_end is None or start <= previous_end:
                top = None if previous_end is None or end is None else max(previous_end, end)
                merged[-1] = (previous_start, top)
                continue
        merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True)
class MatterBands:
    """One matter a delegation line of the map carries, with the values delegated."""

    name: str
    bands: tuple[Band, ...]

    @property
    def band_words(self) -> str:
        return " and ".join(band_text(start, end) for start, end in self.bands)

    @property
    def text(self) -> str:
        return f"{self.name}: {self.band_words}"


def _with(words: str) -> str:
    """Band words after a count or a name: "3 with any value", "Contracts over £500,000"."""
    return f"with {words}" if words == "any value" else words


@dataclass
class Line:
    source: str
    target: str
    delegation: bool
    # For delegation lines: each matter with the bands delegated for it, in the tree's order.
    details: list[MatterBands] = field(default_factory=list)

    @property
    def matters(self) -> int:
        return len(self.details)

    @property
    def matters_text(self) -> str:
        return f"{self.matters} matter{'' if self.matters == 1 else 's'}"

    @property
    def label_parts(self) -> list[str]:
        """The label in parts, punctuation included: the count, then each distinct band with
        the matter it applies to (or how many, when several share it), in the matters'
        order. The diagram puts each part on a line of its own."""
        if not self.delegation:
            return []
        by_words: dict[str, list[str]] = {}
        for matter in self.details:
            by_words.setdefault(matter.band_words, []).append(matter.name)
        if len(by_words) == 1:
            (words,) = by_words
            return [f"{self.matters_text} {_with(words)}"]
        parts = [
            f"{names[0] if len(names) == 1 else len(names)} {_with(words)}"
            for words, names in by_words.items()
        ]
        return [f"{self.matters_text}:", *(f"{part};" for part in parts[:-1]), parts[-1]]

    @property
    def label(self) -> str:
        """ "4 matters with any value", or "4 matters: Contracts up to and including
        £1,000,000; 3 with any value": what the diagram and the text both say."""
        return " ".join(self.label_parts)

    @property
    def detail_texts(self) -> list[str]:
        return [matter.text for matter in self.details]


@dataclass
class Sentence:
    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class BodyText:
    """One body of the text equivalent, with the sentences about its lines."""

    name: str
    kind: str
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class GovernanceMap:
    place: Place
    nodes: list[Node]
    lines: list[Line]
    width: int
    height: int
    on: date
    delivery: PlaceDelivery | None = None

    @property
    def functions(self) -> list[FunctionRow]:
        """Each function the place records a holder for, or its archetype places."""
        if self.delivery is None:
            return []
        return [row for row in self.delivery.rows if row.holding or row.allowed]

    @property
    def bodies(self) -> list[Node]:
        return [node for node in self.nodes if node.css != "board"]

    @property
    def boards(self) -> list[Node]:
        return [node for node in self.nodes if node.css == "board"]

    @property
    def is_empty(self) -> bool:
        return not self.nodes

    def text(self) -> list[BodyText]:
        """The text equivalent: each body, row by row, with what it answers to and the
        delegated authority it holds."""
        by_key = {node.key: node for node in self.nodes}
        entries = []
        for node in self.bodies:
            entry = BodyText(name=node.name, kind=node.kind)
            for line in self.lines:
                if line.source == node.key and not line.delegation:
                    target = by_key[line.target].name
                    entry.sentences.append(Sentence(f"{node.name} answers to {target}."))
            if not entry.sentences:
                entry.sentences.append(Sentence(f"{node.name} answers to no body recorded yet."))
            held = [
                row.label.lower()
                for row in self.functions
                if row.holding is not None
                and node.key == f"committee-{row.holding.holder_committee_id}"
            ]
            if held:
                entry.sentences.append(Sentence(f"{node.name} holds {_listed(held)}."))
            for line in self.lines:
                if line.target == node.key and line.delegation:
                    entry.sentences.append(
                        Sentence(
                            f"{node.name} holds delegated authority from "
                            f"{by_key[line.source].name} for {line.label}.",
                            line.detail_texts,
                        )
                    )
            entries.append(entry)
        return entries

    def svg(self) -> SafeString:
        return mark_safe(render_svg(self))  # noqa: S308 - every text in it is escaped


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def board_name(organisation: Organisation) -> str:
    """The board of an organisation: "Ashworth Council board"; an ICB's name already ends
    with "Board"."""
    return board_of(organisation.name)


def _board_key(organisation_id: int) -> str:
    return f"board-{organisation_id}"


def governance_map(*, place: Place, on: date | None = None) -> GovernanceMap:
    """The place's governance map on a date (today by default)."""
    on = on or timezone.localdate()
    # Only the columns the map shows: the bodies' rows are wide, and the map is mostly the
    # time of its three queries.
    committees = list(
        Committee.objects.filter(place=place, is_active=True)
        .select_related("accountable_to_committee", "accountable_to_organisation")
        .only(
            "name",
            "kind",
            "accountable_to_committee__name",
            "accountable_to_committee__kind",
            "accountable_to_organisation__name",
            "accountable_to_organisation__sector",
        )
        # By name, as the default order (place, then name) gives for one place, without
        # joining the place.
        .order_by("name", "pk")
    )
    roles = list(
        DelegateRole.objects.filter(place=place, is_active=True)
        .select_related("organisation", "accountable_to_committee")
        .only(
            "title",
            "is_individual_director",
            "organisation__name",
            "organisation__sector",
            "accountable_to_committee__name",
            "accountable_to_committee__kind",
        )
        .order_by("organisation__name", "title")
    )
    delegations = list(
        Delegation.objects.filter(
            Q(place__isnull=True) | Q(place=place),
            # The place's active bodies were read above: naming them lets PostgreSQL use the
            # delegate indexes instead of joining every line of the system to both tables.
            Q(delegate_committee_id__in=[body.pk for body in committees])
            | Q(delegate_role_id__in=[role.pk for role in roles]),
            reserved=False,
            scheme__status=SchemeStatus.IN_FORCE,
            scheme__effective_from__lte=on,
        )
        .filter(Q(scheme__effective_to__isnull=True) | Q(scheme__effective_to__gte=on))
        .select_related("scheme__organisation", "matter__parent")
        .only(
            "matter__name",
            "matter__order",
            "matter__parent__order",
            "limit_from",
            "limit_to",
            "delegate_committee_id",
            "delegate_role_id",
            "scheme__organisation__name",
            "scheme__organisation__sector",
        )
    )

    nodes: dict[str, Node] = {}
    boards: dict[str, Organisation] = {}
    lines: list[Line] = []

    def board(organisation: Organisation) -> str:
        key = _board_key(organisation.pk)
        if key not in nodes:
            boards[key] = organisation
            nodes[key] = Node(key=key, name=board_name(organisation), kind="Board", css="board")
        return key

    def committee(body: Committee) -> str:
        """The body's node, added on first sight: an inactive body, or one of another place,
        is drawn only as what a body of this place answers to."""
        key = f"committee-{body.pk}"
        if key not in nodes:
            nodes[key] = Node(
                key=key,
                name=body.name,
                kind=body.get_kind_display(),
                css="committee",
                short_kind=SHORT_KINDS.get(body.kind, ""),
            )
        return key

    for body in committees:
        committee(body)
    for body in committees:
        key = committee(body)
        if body.accountable_to_committee is not None:
            parent_key = committee(body.accountable_to_committee)
        elif body.accountable_to_organisation is not None:
            parent_key = board(body.accountable_to_organisation)
        else:
            continue
        nodes[key].parent_key = parent_key
        lines.append(Line(source=key, target=parent_key, delegation=False))
    for role in roles:
        key = f"role-{role.pk}"
        kind = (
            "Individual director with delegated authority"
            if role.is_individual_director
            else "Delegate role"
        )
        nodes[key] = Node(
            key=key,
            name=f"{role.title}, {role.organisation.name}",
            kind=kind,
            css="role",
            short_kind="Individual director" if role.is_individual_director else "",
        )
        if role.accountable_to_committee is not None:
            parent_key = committee(role.accountable_to_committee)
        else:
            parent_key = board(role.organisation)
        nodes[key].parent_key = parent_key
        lines.append(Line(source=key, target=parent_key, delegation=False))

    grouped: dict[tuple[str, str], dict[int, tuple[tuple[int, int], str, list[Band]]]] = {}
    for delegation in delegations:
        target = (
            f"committee-{delegation.delegate_committee_id}"
            if delegation.delegate_committee_id
            else f"role-{delegation.delegate_role_id}"
        )
        if target not in nodes:
            continue
        source = board(delegation.scheme.organisation)
        matter = delegation.matter
        by_matter = grouped.setdefault((source, target), {})
        # In the tree's order: a matter beneath its parent.
        order = (matter.parent.order, matter.order) if matter.parent else (matter.order, 0)
        band = (delegation.limit_from, delegation.limit_to)
        by_matter.setdefault(matter.pk, (order, matter.name, []))[2].append(band)
    for (source, target), by_matter in grouped.items():
        details = [
            MatterBands(name, merged_bands(bands))
            for _order, name, bands in sorted(by_matter.values(), key=lambda m: (m[0], m[1]))
        ]
        lines.append(Line(source=source, target=target, delegation=True, details=details))

    # Rows sit far enough apart for the tallest delegation label between them.
    label_rows = max((len(_label_rows(line)) for line in lines if line.delegation), default=0)
    gap_y = max(GAP_Y, (label_rows + 2) * LABEL_LINE)
    ordered = _layout(nodes, boards, gap_y)
    width = max((node.x + BOX_W for node in ordered), default=0) + MARGIN
    height = max((node.y + BOX_H for node in ordered), default=0) + MARGIN
    lines.sort(key=lambda line: (line.delegation, line.source, line.target))
    return GovernanceMap(
        place=place,
        nodes=ordered,
        lines=lines,
        width=width,
        height=height,
        on=on,
        delivery=place_delivery(place=place),
    )


def _layout(nodes: dict[str, Node], boards: dict[str, Organisation], gap_y: int) -> list[Node]:
    """Rows by depth of accountability; within a row, bodies sit in the order of what they
    answer to, then by name; every row is centred on the widest."""

    def depth(node: Node, seen: frozenset[str] = frozenset()) -> int:
        if node.css == "board":
            return 0
        parent = nodes.get(node.parent_key or "")
        if parent is None or parent.key in seen:
            return 1
        return depth(parent, seen | {node.key}) + 1

    rows: dict[int, list[Node]] = {}
    for node in nodes.values():
        node.row = depth(node)
        rows.setdefault(node.row, []).append(node)
    ordered: list[Node] = []
    for row in sorted(rows):
        members = rows[row]
        if row == 0:
            members.sort(key=lambda n: (SECTOR_ORDER.get(boards[n.key].sector, 99), n.name.lower()))
        else:
            members.sort(
                key=lambda n: (
                    nodes[n.parent_key].col if n.parent_key in nodes else -1,
                    n.name.lower(),
                )
            )
        for col, node in enumerate(members):
            node.col = col
        ordered.extend(members)
    widest = max((len(members) for members in rows.values()), default=0)
    full = widest * BOX_W + max(widest - 1, 0) * GAP_X
    for row, members in rows.items():
        span = len(members) * BOX_W + (len(members) - 1) * GAP_X
        left = MARGIN + (full - span) // 2
        for node in members:
            node.x = left + node.col * (BOX_W + GAP_X)
            node.y = MARGIN + row * (BOX_H + gap_y)
    return ordered


def _name_lines(name: str) -> list[str]:
    wrapped = textwrap.wrap(name, LINE_CHARS) or [""]
    if len(wrapped) > NAME_LINES:
        wrapped = wrapped[:NAME_LINES]
        wrapped[-1] = wrapped[-1][: LINE_CHARS - 1].rstrip() + "…"
    return wrapped


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label_rows(line: Line) -> list[str]:
    """A delegation line's label as the diagram draws it: each part on lines of its own,
    wrapped to fit; the same words as the text equivalent."""
    return [row for part in line.label_parts for row in textwrap.wrap(part, LABEL_CHARS)]


def _label_svg(line: Line, x: int, y: int) -> str:
    """A delegation line's label, centred on the line's middle."""
    rows = _label_rows(line)
    top = y - (len(rows) - 1) * LABEL_LINE // 2
    spans = "".join(
        f'<tspan x="{x}" {"y" if i == 0 else "dy"}="{top if i == 0 else LABEL_LINE}">'
        f"{escape(row)}</tspan>"
        for i, row in enumerate(rows)
    )
    return f'<text class="app-map__label" x="{x}" y="{top}" text-anchor="middle">{spans}</text>'


def render_svg(gmap: GovernanceMap) -> str:
    """The diagram as SVG markup. Every name goes through `escape`."""
    place = escape(gmap.place.name)
    by_key = {node.key: node for node in gmap.nodes}
    parts = [
        f'<svg class="app-map__svg" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="map-title map-desc" viewBox="0 0 {gmap.width} {gmap.height}" '
        f'width="{gmap.width}" height="{gmap.height}">',
        f'<title id="map-title">Governance map of {place}</title>',
        f'<desc id="map-desc">{len(gmap.bodies)} bodies of {place} and the boards of '
        f"{len(gmap.boards)} partner organisations. Solid arrows show who each body answers "
        f"to; dashed arrows show delegated authority from an organisation's board. The same "
        f"information follows as text.</desc>",
        "<defs>"
        '<marker id="map-arrow" class="app-map__arrowhead" viewBox="0 0 10 10" refX="10" '
        'refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z"/></marker>'
        '<marker id="map-arrow-delegation" class="app-map__arrowhead '
        'app-map__arrowhead--delegation" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z"/></marker>'
        "</defs>",
    ]
    labels = []
    for line in gmap.lines:
        source, target = by_key[line.source], by_key[line.target]
        if line.delegation:
            # From the bottom of the board down to the top of the delegate.
            x1, y1 = source.cx + ATTACH_OFFSET, source.y + BOX_H
            x2, y2 = target.cx + ATTACH_OFFSET, target.y
            css, marker = "app-map__line app-map__line--delegation", "map-arrow-delegation"
        else:
            # From the top of the body up to the bottom of what it answers to.
            x1, y1 = source.cx - ATTACH_OFFSET, source.y
            x2, y2 = target.cx - ATTACH_OFFSET, target.y + BOX_H
            css, marker = "app-map__line", "map-arrow"
        description = (
            f"{target.name} holds delegated authority from {source.name}: {line.label}"
            if line.delegation
            else f"{source.name} answers to {target.name}"
        )
        parts.append(
            f'<g class="app-map__edge"><title>{escape(description)}</title>'
            f'<line class="{css}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
            f'marker-end="url(#{marker})"/></g>'
        )
        if line.delegation:
            labels.append(_label_svg(line, (x1 + x2) // 2, (y1 + y2) // 2))
    for node in gmap.nodes:
        name_lines = _name_lines(node.name)
        texts = "".join(
            f'<tspan x="{node.cx}" dy="{0 if i == 0 else 17}">{escape(text)}</tspan>'
            for i, text in enumerate(name_lines)
        )
        parts.append(
            f'<g class="app-map__node app-map__node--{node.css}">'
            f"<title>{escape(node.name)} ({escape(node.kind)})</title>"
            f'<rect class="app-map__box" x="{node.x}" y="{node.y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="4"/>'
            f'<text class="app-map__name" x="{node.cx}" y="{node.y + 22}" '
            f'text-anchor="middle">{texts}</text>'
            f'<text class="app-map__kind" x="{node.cx}" y="{node.y + BOX_H - 9}" '
            f'text-anchor="middle">{escape(_short(node.short_kind or node.kind))}</text></g>'
        )
    parts.extend(labels)  # last, so they sit above the lines and boxes
    parts.append("</svg>")
    return "".join(parts)
