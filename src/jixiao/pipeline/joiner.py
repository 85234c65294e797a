"""The joiner: zip the three repaired fragments into one record per indicator.

Rows line up by order. When the fragments disagree on the row count nobody
can tell which row is missing, so the joiner never shifts rows: it keeps the
indicator rows, leaves the other fragments' columns empty, keeps their raw
cells in ``unaligned`` and marks the filing partial.
"""

from __future__ import annotations

from typing import Optional

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
    source = filing.source
    indicator_rows = repaired.rows.get(FragmentKind.INDICATORS)
    if not indicator_rows:
        errors.append(ErrorItem(code=ErrorCode.NO_INDICATOR_ROWS, component="join", message=(
            f"{source}: no indicator rows (一级指标 fragment "
            f"{'is empty' if indicator_rows is not None else 'not found'}); no records can be made")))
        return _result(filing, repaired, [], errors, FilingStatus.FAILED, {})

    counts = {kind: len(repaired.rows[kind]) for kind in FragmentKind if kind in repaired.rows}
    split = filing.layout == "split_fragments"
    # a single table has no fragments to miss: the fields it has no column for are absent
    missing = [kind for kind in FragmentKind if kind not in repaired.rows] if split else []
    for kind in missing:
        errors.append(ErrorItem(code=ErrorCode.FRAGMENT_MISSING, component="join",
                                message=f"{source}: the {_FRAGMENT_NAMES[kind]} fragment was not found"))
    mismatched = len(set(counts.values())) > 1
    unaligned: dict[str, list[Optional[str]]] = {}
    if mismatched:
        described = ", ".join(f"{kind.value} {count}" for kind, count in counts.items())
        errors.append(ErrorItem(code=ErrorCode.ROW_COUNTS_DIFFER, component="join", message=(
            f"{source}: the fragments have different row counts ({described}); rows are not "
            "zipped, so only the indicator columns are filled and the other cells are kept unaligned")))
        for kind, rows in repaired.rows.items():
            if kind is not FragmentKind.INDICATORS:
                column = "explanation" if kind is FragmentKind.EXPLANATIONS else "scoring_rule"
                unaligned[kind.value] = [row[column].raw for row in rows]

    document_kind = filing.document_kind or "department"
    project_field = _project_field(filing)
    records = []
    for position, indicator in enumerate(indicator_rows):
        fields: dict[str, RepairedField] = dict(indicator)
        for kind in (FragmentKind.EXPLANATIONS, FragmentKind.SCORING):
            rows = repaired.rows.get(kind)
            if rows is not None and not mismatched:
                fields.update(rows[position])
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
        numbers = {}
        for name in NUMBER_FIELDS:
            numbers[name], fields[name] = _number(fields[name], name)
        fields = {name: fields[name] for name in RECORD_DETAIL_FIELDS}
        records.append(Record(
            filing=filing.filing, source=source, department=repaired.department, year=filing.year,
            row=position + 1,
            **{name: fields[name].value for name in RECORD_TEXT_FIELDS},
            score=numbers["score"],
            needs_review=any(f.needs_review for f in fields.values()),
            fields=fields,
            kind=document_kind, project=fields["project"].value, weight=numbers["weight"],
            direction=fields["direction"].value, actual=fields["actual"].value, points=numbers["points"],
            deviation=fields["deviation"].value,
        ))

    serious = any(e.severity is Severity.ERROR for e in errors)
    status = FilingStatus.PARTIAL if serious or missing or mismatched else FilingStatus.OK
    return _result(filing, repaired, records, errors, status, unaligned)


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
    )


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
