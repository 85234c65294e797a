"""The joiner: zip the three repaired fragments into one record per indicator.

Rows line up by order. When the fragments disagree on the row count nobody
can tell which row is missing, so the joiner never shifts rows: it keeps the
indicator rows, leaves the other fragments' columns empty, keeps their raw
cells in ``unaligned`` and marks the filing partial.
"""

from __future__ import annotations

from typing import Optional

from ..layout.taxonomy import ALL_LEVEL2, LEVEL2_BY_LEVEL1
from ..layout.values import level1_category, level2_name
from ..repair.filing import RepairedFiling
from ..model import (
    ErrorCode,
    ErrorItem,
    FieldStatus,
    Filing,
    FilingResult,
    FilingStatus,
    FragmentKind,
    PageRoute,
    Record,
    NUMBER_FIELDS,
    RECORD_DETAIL_FIELDS,
    RECORD_TEXT_FIELDS,
    RepairedField,
    Severity,
    filing_needs_review,
)

_FRAGMENT_NAMES = {
    FragmentKind.INDICATORS: "indicators (一级/二级/三级指标)",
    FragmentKind.EXPLANATIONS: "explanations (指标解释)",
    FragmentKind.SCORING: "scoring rules (评/扣分标准)",
}


def _missing_field() -> RepairedField:
    return RepairedField(value=None, raw=None, status=FieldStatus.UNREPAIRED, confidence=0.0,
                         flags=["missing_fragment"])


def _absent_field() -> RepairedField:
    return RepairedField(value=None, raw=None, status=FieldStatus.ABSENT, confidence=1.0)


def _number(field: RepairedField, name: str = "score") -> tuple[Optional[float], RepairedField]:
    if field.value is None:
        return None, field
    try:
        value = float(field.value)
    except ValueError:
        return None, field.model_copy(update={"flags": [*field.flags, f"{name}_not_a_number"],
                                              "status": FieldStatus.UNREPAIRED})
    return (int(value) if value.is_integer() else value), field


def join(filing: Filing, repaired: RepairedFiling) -> FilingResult:
    """Make the FilingResult, with its records, for one extracted and repaired filing."""
    errors = list(filing.errors)
    indicator_rows = repaired.rows.get(FragmentKind.INDICATORS)
    if not indicator_rows:
        errors.append(ErrorItem(code=ErrorCode.NO_INDICATOR_ROWS, component="join", message=(
            f"{filing.source}: no indicator rows (一级指标 fragment "
            f"{'is empty' if indicator_rows is not None else 'not found'}); no records can be made")))
        return _result(filing, repaired, [], errors, FilingStatus.FAILED, {})
    split = filing.layout == "split_fragments"
    # a single table has no fragments to miss: the fields it has no column for are absent
    missing = [kind for kind in FragmentKind if kind not in repaired.rows] if split else []
    for kind in missing:
        errors.append(ErrorItem(code=ErrorCode.FRAGMENT_MISSING, component="join",
                                message=f"{filing.source}: the {_FRAGMENT_NAMES[kind]} fragment was not found"))
    unaligned = _unaligned(filing, repaired, errors)
    mismatched = bool(unaligned) or len({len(rows) for rows in repaired.rows.values()}) > 1
    records = [_record(filing, repaired, position, indicator, mismatched=mismatched, split=split)
               for position, indicator in enumerate(indicator_rows)]
    serious = any(e.severity is Severity.ERROR for e in errors)
    status = FilingStatus.PARTIAL if serious or missing or mismatched else FilingStatus.OK
    return _result(filing, repaired, records, errors, status, unaligned)


def _unaligned(filing: Filing, repaired: RepairedFiling, errors: list[ErrorItem]) -> dict[str, list[Optional[str]]]:
    """When the fragments' row counts disagree nobody can tell which row is missing: the raw cells of the
    other fragments are kept unaligned (and the error says so); rows are never shifted."""
    counts = {kind: len(repaired.rows[kind]) for kind in FragmentKind if kind in repaired.rows}
    if len(set(counts.values())) <= 1:
        return {}
    described = ", ".join(f"{kind.value} {count}" for kind, count in counts.items())
    errors.append(ErrorItem(code=ErrorCode.ROW_COUNTS_DIFFER, component="join", message=(
        f"{filing.source}: the fragments have different row counts ({described}); rows are not "
        "zipped, so only the indicator columns are filled and the other cells are kept unaligned")))
    unaligned: dict[str, list[Optional[str]]] = {}
    for kind, rows in repaired.rows.items():
        if kind is not FragmentKind.INDICATORS:
            column = "explanation" if kind is FragmentKind.EXPLANATIONS else "scoring_rule"
            unaligned[kind.value] = [row[column].raw for row in rows]
    return unaligned


def _row_fields(filing: Filing, repaired: RepairedFiling, position: int, indicator: dict[str, RepairedField],
                *, mismatched: bool, split: bool) -> dict[str, RepairedField]:
    """Every detail field of one record: the indicator row's, the other fragments' row of the same
    position, the filing's project, and the fields the layout has no column for (absent or missing)."""
    fields: dict[str, RepairedField] = dict(indicator)
    row_flags = row_flags_of(filing, position)
    if row_flags and "level3" in fields:
        fields["level3"] = fields["level3"].model_copy(update={"flags": [*fields["level3"].flags, *row_flags]})
    for kind in (FragmentKind.EXPLANATIONS, FragmentKind.SCORING):
        rows = repaired.rows.get(kind)
        if rows is not None and not mismatched:
            fields.update(rows[position])
    project_field = _project_field(filing)
    if "project" not in fields and project_field is not None:
        fields["project"] = project_field  # the filing's project, when the row names none of its own
    for name in RECORD_DETAIL_FIELDS:
        added = name not in RECORD_TEXT_FIELDS and name != "score"
        if split and name not in fields:
            # the seed's split layout has no columns for the fields added in schema 2
            fields[name] = _absent_field() if added else _missing_field()
        elif not split and name not in filing.columns and (name not in fields or fields[name].value is None) \
                and not (name == "project" and project_field is not None):
            fields[name] = _absent_field()
        elif name not in fields:
            fields[name] = RepairedField(value=None, raw=None, status=FieldStatus.INTACT, confidence=1.0)
    return fields


def _record(filing: Filing, repaired: RepairedFiling, position: int, indicator: dict[str, RepairedField],
            *, mismatched: bool, split: bool) -> Record:
    fields = _row_fields(filing, repaired, position, indicator, mismatched=mismatched, split=split)
    numbers = {}
    for name in NUMBER_FIELDS:
        numbers[name], fields[name] = _number(fields[name], name)
    fields = {name: fields[name] for name in RECORD_DETAIL_FIELDS}
    return Record(
        filing=filing.filing, source=filing.source, department=repaired.department, year=filing.year,
        row=position + 1,
        **{name: fields[name].value for name in RECORD_TEXT_FIELDS},
        score=numbers["score"],
        needs_review=any(f.needs_review for f in fields.values()),
        fields=fields,
        kind=filing.document_kind or "department", project=fields["project"].value, weight=numbers["weight"],
        direction=fields["direction"].value, actual=fields["actual"].value, points=numbers["points"],
        deviation=fields["deviation"].value,
        **national_groups(fields["level1"].value, fields["level2"].value),
    )


def _result(filing: Filing, repaired: RepairedFiling, records: list[Record], errors: list[ErrorItem],
            status: FilingStatus, unaligned: dict) -> FilingResult:
    return FilingResult(
        filing=filing.filing, source=filing.source, department=repaired.department, year=filing.year,
        duties=repaired.duties, goals=repaired.goals, status=status, errors=errors,
        needs_review=filing_needs_review(status, (*repaired.duties, *repaired.goals), records),
        records=records, unaligned=unaligned, route=filing.route, pages=page_routes(filing),
        kind=filing.document_kind or "department",
        project=filing.project.text.strip() or None if filing.project is not None else None,
        budget=list(filing.budget), period=filing.period.text.strip() or None if filing.period is not None else None,
        report=filing.report,
    )


def row_flags_of(filing: Filing, position: int) -> list[str]:
    """What the reader found suspect in an indicator row as a whole (a row that fits its columns badly)."""
    fragment = filing.fragments.get(FragmentKind.INDICATORS)
    if fragment is None or position >= len(fragment.rows):
        return []
    return list(fragment.rows[position].flags)


def national_groups(level1: Optional[str], level2: Optional[str]) -> dict[str, Optional[str]]:
    """The national 一级/二级 groups the printed names belong to (产出类指标 → 产出指标, 数量 → 数量指标; a
    二级 of the national taxonomy names its 一级 where the printed 一级 maps to none)."""
    national2 = level2_name(level2) if level2 else None
    national2 = national2 if national2 in ALL_LEVEL2 else None
    national1 = level1_category(level1) if level1 else None
    if national2 is not None and (national1 is None or national2 not in LEVEL2_BY_LEVEL1.get(national1, ())):
        owners = [l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if national2 in l2s]
        national1 = national1 if national1 in owners else (owners[0] if len(owners) == 1 else national1)
    return {"national_level1": national1, "national_level2": national2}


def _project_field(filing: Filing) -> Optional[RepairedField]:
    """The filing's 项目名称 as a record field: read from the header block, never repaired."""
    cell = filing.project
    if cell is None or not cell.text.strip():
        return None
    return RepairedField(value=cell.text.strip(), raw=cell.text, status=FieldStatus.INTACT, confidence=1.0,
                         provenance=cell.provenance)


def page_routes(filing: Filing) -> list[PageRoute]:
    """Which route each page took, for the manifest: {page, route, fragment?}."""
    routes = []
    for page in filing.pages:
        route = PageRoute(page=page["page"], route=page["route"])
        if page.get("fragment") is not None:
            route["fragment"] = page["fragment"]
        routes.append(route)
    return routes
