"""Shared types for every stage of jixiao.

Extractors produce a :class:`Filing` made of :class:`Fragment` rows of
:class:`Cell` values; repair turns each cell into a :class:`RepairedField`;
the joiner makes one :class:`Record` per indicator. Every value keeps its
provenance (file, page, bbox or line) and its raw text next to the repaired
text, and status and errors are data, never exceptions that end a batch.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable, Iterable, Literal, Optional, Sequence, Union

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from .errors import ErrorCategory, ErrorCode, JixiaoError
from .report import ReadingReport
from typing_extensions import Required, TypedDict


class FilingStatus(str, Enum):
    """Outcome of one input file, as written to the manifest and filings.jsonl."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"  # a file jixiao does not read (its format is named in the error): listed, not converted


class FieldStatus(str, Enum):
    """What repair did to one text field."""

    INTACT = "intact"  # no damage detected
    ABSENT = "absent"  # the layout has no such column
    REPAIRED = "repaired"  # damage detected and fully restored from evidence
    PARTIAL = "partial"  # some damage restored, some gaps remain
    UNREPAIRED = "unrepaired"  # damage detected or suspected, nothing restored
    CONFIRMED = "confirmed"  # a clerk accepted the proposed value
    EDITED = "edited"  # a clerk typed the value


class FragmentKind(str, Enum):
    """The three column groups the performance-goal table is split into."""

    INDICATORS = "indicators"  # 一级/二级/三级指标, 指标值类型, 指标值, 计量单位
    EXPLANATIONS = "explanations"  # 指标解释
    SCORING = "scoring"  # 评(扣)分标准 with the 分值 glued on, 备注


REVIEW_STATUSES = frozenset({FieldStatus.PARTIAL, FieldStatus.UNREPAIRED})
"""Statuses that leave a field for a clerk even without a flag: damage remains."""


def needs_review(flags: Sequence[str], status: Union[FieldStatus, str]) -> bool:
    """The one rule for "a clerk should look at this field": it carries a flag, or repair left damage.

    Takes the parts, not a model, so that writers working on JSON payloads apply the same rule.
    """
    return bool(flags) or FieldStatus(status) in REVIEW_STATUSES


def filing_needs_review(status: "FilingStatus", headers: Iterable["HeaderValue"],
                        records: Iterable["Record"]) -> bool:
    """A filing needs review when it did not convert cleanly, or any header item or record does."""
    return (status is not FilingStatus.OK or any(h.needs_review for h in headers)
            or any(r.needs_review for r in records))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


GAP = "□"
"""The one character that marks a span no evidence could restore, whatever its length."""

INDICATOR_COLUMNS = ("level1", "level2", "level3", "operator", "target", "unit")
RECORD_TEXT_FIELDS = INDICATOR_COLUMNS + ("explanation", "scoring_rule", "remark")
"""Fields of a record that carry per-field repair information (``Record.fields``)."""
ADDED_RECORD_FIELDS = ("project", "weight", "direction", "actual", "points", "deviation")
"""Record fields added in schema version 2 (project tables, budget-system exports, self-evaluations)."""
NATIONAL_FIELDS = ("national_level1", "national_level2")
"""Record fields added in schema version 3: the national groups the printed 一级/二级 names belong to."""
NUMBER_FIELDS = ("score", "weight", "points")
RECORD_DETAIL_FIELDS = RECORD_TEXT_FIELDS + ("score",) + ADDED_RECORD_FIELDS
"""Every field with an entry in ``Record.fields``, in order."""
DOCUMENT_KINDS = ("department", "project", "self_evaluation")

SCHEMA_VERSION = "3"
"""The output contract's version, written into every JSON Schema and the Parquet metadata.
1: the first contract. 2: records gain kind, project, weight, direction, actual, points and
deviation; filings gain kind, project, budget and period; the manifest gains ``skipped`` and
``unrelated``. 3: every error item (filings.jsonl and manifest.jsonl ``errors``) gains ``code``,
``category`` and ``rows``; filings gain ``report`` (the reading report); the manifest gains
``vocabulary``; records gain ``national_level1`` and ``national_level2`` (CSV, Parquet and XLSX append
them); each field's ``raw`` is the cell as printed and its value the clean one. Fields are only ever
added, never renamed."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Provenance(_Model):
    """Where a value was read: the input path plus page/bbox (PDF) or line (text dump)."""

    file: str = Field(description="input path as given on the command line")
    page: Optional[int] = Field(None, description="1-based page number, for PDFs and images")
    bbox: Optional[tuple[float, float, float, float]] = Field(
        None, description="x0, top, x1, bottom in PDF points, top-left origin"
    )
    line: Optional[int] = Field(None, description="1-based line number, for text dumps")


def _category_of_code(data: dict[str, Any]) -> ErrorCategory:
    code: ErrorCode = data["code"]
    return code.category


class ErrorItem(_Model):
    """A structured problem: what it is (``code``, for code and for sorting), where it lies
    (``category``), which stage saw it, a message for people, and where in the source."""

    code: ErrorCode = Field(description="what the problem is; route on this, never on the message")
    category: ErrorCategory = Field(
        default_factory=_category_of_code,
        description="where the problem lies: input, extraction, layout, repair, output, memory, batch, review "
        "(the code's, unless given)")
    component: str = Field(description="stage that reported it: extract, layout, repair, join, write, ...")
    message: str = Field(description="for people: names the file and what is wrong")
    severity: Severity = Severity.ERROR
    page: Optional[int] = None
    line: Optional[int] = None
    rows: list[int] = Field(default_factory=list, description="the indicator rows (1-based) it concerns, if any")

    @classmethod
    def of(cls, error: JixiaoError, *, component: str, severity: Severity = Severity.ERROR,
           page: Optional[int] = None) -> "ErrorItem":
        """The item of a raised error: its code, its message."""
        return cls(code=error.code, component=component, message=str(error), severity=severity, page=page)


class Cleaned(_Model):
    """Where characters that carry no text (NUL and other control characters, bidirectional controls,
    noncharacters) were removed from what an extractor read: a field read there is flagged
    ``control_characters_removed`` (issue 23), whatever the format."""

    provenance: Provenance
    text: str = Field(description="the cell (or, in a text dump, the line) as it reads after the removal")
    removed: int = Field(ge=1, description="how many characters were removed")
    siblings: list[str] = Field(default_factory=list, description="the texts of the other cells read at the same "
                                "place (a row of a sheet or page): a field reading one of them came from there")


CONTROLS_FLAG = "control_characters_removed"
"""The flag of a field read from a cell that lost characters (see :class:`Cleaned`)."""


class Cell(_Model):
    """One cell as read from the source, before repair."""

    text: str = Field(description="raw text exactly as extracted; '' for an empty cell")
    provenance: Provenance
    at_capacity: Optional[bool] = Field(
        None,
        description="the cell was filled to its width (glued to the next cell in a text "
        "dump, text touching the bbox edge in a PDF): its end may be clipped. None = unknown",
    )
    ocr_confidence: Optional[float] = Field(None, description="mean OCR confidence, 0-1")
    raw: Optional[str] = Field(None, description="the cell as printed, when the reader cut or cleaned it "
                               "(``text`` is then the value read from it); None: ``text`` is as printed")

    def retext(self, text: str) -> "Cell":
        """This cell holding ``text`` instead, the printed text kept as ``raw``."""
        if text == self.text:
            return self
        return self.model_copy(update={"text": text, "raw": self.raw if self.raw is not None else self.text})


def lost_characters(cleaned: Sequence[Cleaned]) -> Callable[[Optional[Cell]], bool]:
    """A test for a cell: whether it lost characters, i.e. its provenance is one of ``cleaned``'s and
    its text is the cleaned cell's or a part of the cleaned line's (a text dump's cells are cut from
    lines)."""
    by_place: dict[tuple[object, ...], list[Cleaned]] = {}
    for item in cleaned:
        by_place.setdefault(_place(item.provenance), []).append(item)

    def lost(cell: Optional[Cell]) -> bool:
        if cell is None or not cell.text or not by_place:
            return False
        for item in by_place.get(_place(cell.provenance), []):
            if cell.text == item.text:
                return True
            # a part of the cleaned text (a value split in operator, target and unit; a cell of a line)
            # unless it is a whole other cell of the same row ("批次" beside "…抽检批次")
            if (cell.text in item.text or item.text in cell.text) and cell.text not in item.siblings:
                return True
        return False
    return lost


def _place(provenance: Provenance) -> tuple[object, ...]:
    return provenance.file, provenance.page, provenance.line, provenance.bbox


class Row(_Model):
    """One table row of one fragment: column name → cell."""

    index: int = Field(description="1-based row number within the fragment, in table order")
    cells: dict[str, Cell]
    fit: Optional[float] = Field(None, ge=0.0, le=1.0, description="how well the row's cells fitted their "
                                 "columns, 0-1 (the reader's); None when not measured")
    flags: list[str] = Field(default_factory=list, description="what the reader found suspect in the row as a "
                             "whole (low_row_fit); the record's 三级指标 field carries them for review")


class Fragment(_Model):
    """One of the three column groups of the performance-goal table."""

    kind: FragmentKind
    rows: list[Row] = Field(default_factory=list)
    provenance: Provenance = Field(description="where the fragment's header words were found")


class BudgetItem(_Model):
    """An amount of the header block: 年度预算金额, 资金总额, 项目总预算 … with its unit."""

    label: str = Field(description="the label as the filing prints it (its canonical form)")
    amount: Optional[Union[int, float]] = Field(None, description="the amount as a number; null when "
                                                "the cell holds no number")
    unit: Optional[str] = Field(None, description="元, 万元 … from the cell, the label or the 金额单位 line")
    raw: str = Field(description="the amount cell as read")
    provenance: Optional[Provenance] = None


class PageRoute(TypedDict, total=False):
    """Which route one page of a PDF or scan took, and what was found on it.

    A typed dict rather than a model: pages are written exactly as they always
    were (``{"page": 3, "route": "text", "fragment": "indicators"}``, absent keys
    absent), and code reads them as ``page["route"]``. pydantic validates them.
    """

    page: Required[int]  # 1-based page number
    route: Required[Literal["text", "ocr"]]  # text layer, or OCR
    fragment: Optional[str]  # the fragment whose column headers the page shows
    dpi: float  # OCR: the resolution the page was read at
    skew: float  # OCR: the angle the page was levelled by, degrees
    rows: int  # OCR: table rows read on the page
    note: str  # OCR: why the page gave no rows


class HeaderItem(_Model):
    """A numbered item of the header block: a duty （一） or a goal 目标1."""

    label: str = Field(description="the item's label as read, e.g. '（十 ）' or '目 4'")
    number: Optional[int] = Field(None, description="the item's number, restored from sequence")
    cell: Cell


class Filing(_Model):
    """What an extractor found in one source file."""

    filing: str = Field(description="stable id: derived from the file content")
    source: str = Field(description="the input path as given")
    # The extractor's route, as filings.jsonl's `route` says: not the document's kind (department,
    # project …), which is `document_kind` here and `kind` in records and filings.jsonl. The field
    # was called `kind` (issue 20); `Filing(kind=…)` is still accepted.
    route: str = Field(validation_alias=AliasChoices("route", "kind"),
                       description="the extractor that read it: text, pdf, ocr, html, xlsx, xls or docx")
    department: Optional[Cell] = None
    year: Optional[int] = None
    duties: list[HeaderItem] = Field(default_factory=list)
    goals: list[HeaderItem] = Field(default_factory=list)
    fragments: dict[FragmentKind, Fragment] = Field(default_factory=dict)
    errors: list[ErrorItem] = Field(default_factory=list)
    encoding: Optional[str] = None
    pages: list[PageRoute] = Field(
        default_factory=list, description="per page: number and the route it took (text/ocr)"
    )
    layout: str = Field("split_fragments", description="how the table was laid out: the seed's split "
                        "fragments, or table/<form> for one table read by the layout reader")
    columns: list[str] = Field(default_factory=list, description="fields the table has columns for "
                               "(table layouts); the others are absent")
    project: Optional[Cell] = None
    document_kind: Optional[str] = Field(None, description="department, project or self_evaluation")
    budget: list[BudgetItem] = Field(default_factory=list)
    period: Optional[Cell] = Field(None, description="实施期 / 建设周期 of a project")
    report: Optional[ReadingReport] = Field(None, description="how the reader read it")
    cleaned: list[Cleaned] = Field(default_factory=list, description="cells that lost control characters "
                                   "(see Cleaned); not written out: their fields carry a flag")


class Evidence(_Model):
    """Why a span of a repaired field reads the way it does."""

    kind: str = Field(description="passage, vocabulary, numbering, decision or reference")
    source: Optional[str] = Field(None, description="file the witness passage came from")
    filing: Optional[str] = None
    field: Optional[str] = Field(None, description="witness field, e.g. 'rows[6].explanation'")
    offset: Optional[int] = Field(None, description="start of the span in the witness text")
    span: Optional[tuple[int, int]] = Field(
        None, description="start, end of the restored span in the repaired text"
    )
    text: str = Field(description="the restored characters")


class Candidate(_Model):
    """A possible restoration that was not (or not alone) accepted."""

    text: str
    score: float
    evidence: list[Evidence] = Field(default_factory=list)


class RepairedField(_Model):
    """One text field after repair, with everything a clerk needs to check it."""

    value: Optional[str] = Field(description="repaired text; null for an empty ('/') cell")
    raw: Optional[str] = Field(description="text as extracted")
    status: FieldStatus
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    flags: list[str] = Field(
        default_factory=list,
        description="why the field is suspect: gap, possibly_clipped, ambiguous, low_ocr_confidence, ...",
    )
    provenance: Optional[Provenance] = None

    @property
    def needs_review(self) -> bool:
        return needs_review(self.flags, self.status)


class Record(_Model):
    """One indicator of one filing: the unit downstream systems load."""

    filing: str
    source: str
    department: Optional[str]
    year: Optional[int]
    row: int
    level1: Optional[str]
    level2: Optional[str]
    level3: Optional[str]
    operator: Optional[str]
    target: Optional[str]
    unit: Optional[str]
    explanation: Optional[str]
    scoring_rule: Optional[str]
    remark: Optional[str]
    score: Optional[Union[int, float]]
    needs_review: bool
    fields: dict[str, RepairedField]
    kind: Optional[str] = Field(None, description="the filing's kind: department (整体支出), project (项目支出) "
                                "or self_evaluation (自评表)")
    project: Optional[str] = Field(None, description="项目名称: the row's own project in a table of several "
                                   "projects, else the filing's")
    weight: Optional[Union[int, float]] = Field(None, description="权重 (budget-system exports; score holds it too)")
    direction: Optional[str] = Field(None, description="指标方向性: 正向 / 反向")
    actual: Optional[str] = Field(None, description="实际完成值 (self-evaluations)")
    points: Optional[Union[int, float]] = Field(None, description="得分: the points obtained (self-evaluations)")
    deviation: Optional[str] = Field(None, description="偏差原因分析及改进措施 (self-evaluations)")
    national_level1: Optional[str] = Field(None, description="the national 一级 group (产出指标, 效益指标, 满意度指标, "
                                           "成本指标) the printed 一级 and 二级 belong to; null when they map to none")
    national_level2: Optional[str] = Field(None, description="the national 二级 group (数量指标 …) the printed 二级 "
                                           "belongs to; null when it maps to none")


class HeaderValue(_Model):
    """A repaired duty or goal item for filings.jsonl."""

    label: str
    number: Optional[int]
    text: Optional[str]
    raw: str
    status: FieldStatus
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    provenance: Optional[Provenance] = None

    @property
    def needs_review(self) -> bool:
        return needs_review(self.flags, self.status)


class FilingResult(_Model):
    """One filing after repair and joining: the filings.jsonl line plus its records."""

    filing: str
    source: str
    department: Optional[str]
    year: Optional[int]
    duties: list[HeaderValue] = Field(default_factory=list)
    goals: list[HeaderValue] = Field(default_factory=list)
    status: FilingStatus
    errors: list[ErrorItem] = Field(default_factory=list)
    needs_review: bool = False
    records: list[Record] = Field(default_factory=list, exclude=True)
    unaligned: dict[str, list[Optional[str]]] = Field(
        default_factory=dict,
        description="raw cells of fragments that could not be zipped (row counts disagreed)",
    )
    route: Optional[str] = Field(None, description="extractor that read the source")
    pages: list[PageRoute] = Field(
        default_factory=list, description="per page of a PDF or scan: page number and route (text/ocr)")
    kind: Optional[str] = Field(None, description="department (整体支出), project (项目支出) or "
                                "self_evaluation (自评表), from the title and headers")
    project: Optional[str] = Field(None, description="项目名称 of a project table or self-evaluation")
    budget: list[BudgetItem] = Field(default_factory=list, description="amounts of the header block "
                                     "(年度预算金额, 资金总额 …) with their unit")
    period: Optional[str] = Field(None, description="实施期 / 建设周期")
    report: Optional[ReadingReport] = Field(None, description="how the reader read the filing: form, tables, "
                                            "header, column roles, rows read and dropped, why each table ended")


class ManifestEntry(_Model):
    """One line of manifest.jsonl: every input appears here, whatever happened to it."""

    source: str
    filing: Optional[str]
    status: FilingStatus
    error: Optional[str] = Field(None, description="the first error, readable, naming the file")
    errors: list[ErrorItem] = Field(default_factory=list)
    records: int = 0
    fields_repaired: int = 0
    fields_flagged: int = 0
    route: Optional[str] = None
    pages: list[PageRoute] = Field(
        default_factory=list, description="per page of a PDF or scan: page number, route (text/ocr), fragment")
    decisions_applied: int = Field(0, description="fields settled by clerk decisions from earlier reviews")
    unrelated: bool = Field(False, description="a skipped file that is no filing at all (a stylesheet, a script, "
                            "the images of a saved web page): listed here, not reported in the summary")
    vocabulary: Optional[dict[str, Any]] = Field(
        None, exclude_if=lambda value: value is None,
        description="the vocabulary files added to the built-in one (path, sha256) and the digest of the "
        "vocabulary they made; absent when the batch read with the built-in vocabulary alone")
    memory: Optional[dict[str, Any]] = Field(
        None, exclude_if=lambda value: value is None,  # absent, not null: manifests of runs without one stay as they were
        description="the repair memory this batch drew on, as it was before the batch: path, schema "
        "version, passage count, content digest; absent when the batch ran without one (--no-memory)")


class ReviewItem(_Model):
    """One flagged field in review.jsonl, the clerks' queue."""

    id: str = Field(description="stable id: filing, row and field")
    filing: str
    source: str
    department: Optional[str]
    year: Optional[int]
    row: Optional[int] = Field(None, description="record row; null for header items")
    field: str = Field(description="record field name, or duties[i] / goals[i]")
    raw: Optional[str]
    value: Optional[str]
    status: FieldStatus
    confidence: float
    flags: list[str]
    evidence: list[Evidence] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    provenance: Optional[Provenance] = None
