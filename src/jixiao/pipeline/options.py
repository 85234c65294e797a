"""How a batch is converted: one validated options object, and the ``JIXIAO_*`` settings read in one place.

:class:`Settings` is the only reader of jixiao's environment variables
(pydantic-settings, prefix ``JIXIAO_``): the repair memory's default path and
the extraction limits. :class:`ConvertOptions` is everything ``convert`` is
told (formats, memory, references, engine, limits …), validated as a whole;
its limits default to the settings, so ``JIXIAO_MAX_PAGES=4`` and
``ConvertOptions(max_pages=4)`` mean the same, and an explicit value wins.

The options travel as data: the batch hands :meth:`ConvertOptions.limits`
to every extraction task (so a remote Dask worker obeys ``--max-pages``
without sharing our environment), and the extraction cache key hashes the
limits, not the environment. A bad value raises :class:`OptionsError`
naming the option, the value and what is allowed (like pdfplumber's
``TableSettings``).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..extractors import limits as _defaults
from ..extractors.limits import (
    ExtractionLimits,
    MaxCellChars,
    MaxCells,
    MaxDepth,
    MaxFormatChars,
    MaxInflatedMb,
    MaxInputMb,
    MaxLines,
    MaxMergedCells,
    MaxOcrPages,
    MaxPageMb,
    MaxPages,
    MaxPartMb,
    MaxTables,
    MaxTextMb,
    OcrThreads,
)
from ..extractors.text_forms import UnknownTextForm, check_form
from ..layout.vocabulary_file import VocabularyError, current as current_vocabulary, load_file as load_vocabulary
from ..model import LearnedLayout
from ..reader.learned import current as learned_current
from ..reader.settings import ReaderSettings
from ..model.errors import ErrorCode, JixiaoError
from ..repair.memory import DEFAULT_MEMORY
from .engines import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, ENGINES
from .task import TaskSettings

ENV_PREFIX = "JIXIAO_"


@dataclass(frozen=True)
class BadOption:
    """One bad option as data: its name (``JIXIAO_…`` for a setting), the value given, and what is
    allowed ('' when nothing narrower than its type is said; the known options for an unknown one)."""

    name: str
    value: Any
    allowed: str
    unknown: bool = False


class OptionsError(JixiaoError, ValueError):
    """An option or setting has a bad value; the message names it, the value and what is allowed,
    and ``bad`` says the same as data (:class:`BadOption`)."""

    default_code = ErrorCode.BAD_OPTION

    def __init__(self, message: str, *, bad: Sequence[BadOption] = ()):
        super().__init__(message)
        self.bad = list(bad)


class Settings(BaseModel):
    """jixiao's environment: ``JIXIAO_MEMORY``, ``JIXIAO_CACHE_KEY`` and one ``JIXIAO_<LIMIT>`` per
    extraction limit (``JIXIAO_MAX_PAGES``, ``JIXIAO_MAX_CELLS`` …: every field of
    :class:`~jixiao.extractors.limits.ExtractionLimits`). Read by :func:`settings`, with
    pydantic-settings (:func:`_environment_settings`) when any ``JIXIAO_*`` variable is set; with
    none set, they are these defaults."""

    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)

    memory: Path = Field(default=DEFAULT_MEMORY, description="the repair memory used when `--memory` is not given")
    cache_key: Path = Field(
        default=DEFAULT_MEMORY.parent / "cache.key",
        description="the file (0600, created on first use) holding the key that signs OUT/.cache entries: "
        "an entry not signed with it is ignored and redone")
    max_pages: MaxPages = _defaults.DEFAULT_MAX_PAGES
    max_ocr_pages: MaxOcrPages = _defaults.DEFAULT_MAX_OCR_PAGES
    max_inflated_mb: MaxInflatedMb = _defaults.DEFAULT_MAX_INFLATED_MB
    ocr_threads: OcrThreads = 0
    vocabulary: tuple[Path, ...] = Field(
        (), description="vocabulary files added to the built-in one (`--vocabulary`); "
        "JIXIAO_VOCABULARY holds one path, or several separated by the path separator")

    @field_validator("vocabulary", mode="before")
    @classmethod
    def _vocabulary_paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part for part in value.split(os.pathsep) if part)
        return value
    max_input_mb: MaxInputMb = _defaults.DEFAULT_MAX_INPUT_MB
    max_text_mb: MaxTextMb = _defaults.DEFAULT_MAX_TEXT_MB
    max_page_mb: MaxPageMb = _defaults.DEFAULT_MAX_PAGE_MB
    max_part_mb: MaxPartMb = _defaults.DEFAULT_MAX_PART_MB
    max_cells: MaxCells = _defaults.DEFAULT_MAX_CELLS
    max_merged_cells: MaxMergedCells = _defaults.DEFAULT_MAX_MERGED_CELLS
    max_tables: MaxTables = _defaults.DEFAULT_MAX_TABLES
    max_depth: MaxDepth = _defaults.DEFAULT_MAX_DEPTH
    max_cell_chars: MaxCellChars = _defaults.DEFAULT_MAX_CELL_CHARS
    max_format_chars: MaxFormatChars = _defaults.DEFAULT_MAX_FORMAT_CHARS
    max_lines: MaxLines = _defaults.DEFAULT_MAX_LINES


def settings() -> Settings:
    """The ``JIXIAO_*`` settings as the environment has them now; raises OptionsError on a bad one."""
    return _settings_of(_jixiao_environment())


def _jixiao_environment() -> tuple[tuple[str, str], ...]:
    """The variables :class:`Settings` reads (``JIXIAO_*``, in any case, as pydantic-settings matches
    them): the same ones give the same settings."""
    return tuple(sorted((name.lower(), value) for name, value in os.environ.items()
                        if name.lower().startswith(ENV_PREFIX.lower())))


@functools.lru_cache(maxsize=16)
def _settings_of(environment: tuple[tuple[str, str], ...]) -> Settings:
    """The settings that ``environment`` (:func:`_jixiao_environment`, which is also what the
    environment holds now) gives, read once: every option that defaults to a setting asks for them,
    some thirty times per batch, and each reading walks every field (issue 22). Settings are frozen,
    so sharing them is safe; a bad value is not remembered and raises again. With no ``JIXIAO_*``
    variable there is nothing to read, and pydantic-settings (with asyncio and dotenv, a tenth of a
    small convert's start-up) is not imported."""
    try:
        return _environment_settings()() if environment else Settings()
    except ValidationError as error:
        raise options_error(error, Settings, env=True) from None


@functools.lru_cache(maxsize=1)
def _environment_settings() -> type[Settings]:
    """:class:`Settings` read from the ``JIXIAO_*`` variables by pydantic-settings."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class EnvironmentSettings(BaseSettings, Settings):
        __doc__ = Settings.__doc__
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    return EnvironmentSettings


def cache_key_file() -> Path:
    """``$JIXIAO_CACHE_KEY``, or ``~/.local/share/jixiao/cache.key`` (see :mod:`.cache`)."""
    return settings().cache_key


def default_memory() -> Path:
    """``$JIXIAO_MEMORY``, or ``~/.local/share/jixiao/memory.sqlite``."""
    return settings().memory


def memory_path(given: Optional[str]) -> Path:
    """The repair memory a command was given (``--memory PATH``), else :func:`default_memory`, read when
    the command runs."""
    return Path(given) if given else default_memory()


def reviewer_name(given: Optional[str]) -> str:
    """The name a command logs a clerk's change with: the one given, else the login name ('clerk' in a
    container with none)."""
    if given:
        return given
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "clerk"


# Where `jixiao convert` and `convert()` differ, on purpose: the command line runs batches (a process
# pool; the repair memory, which makes later runs restore more; only the outcomes that need attention
# kept), the API is a library call (this process, nothing written outside OUT, every outcome returned).
# Both helps and the README say so; `jixiao convert` builds its options from here.
DEFAULTS_DIFFER = ("From Python, jixiao.pipeline.convert() takes the same options with other defaults: "
                   "engine serial (this process) instead of local, no repair memory instead of $JIXIAO_MEMORY "
                   "(memory=PATH to use one), and keep_results=True (every outcome, with its records, in "
                   "the Result) instead of only those of inputs that are not ok.")


COMMAND_LINE_DEFAULTS: dict[str, Any] = {"engine": "local", "keep_results": False}  # and memory: below


def command_line_defaults() -> dict[str, Any]:
    """The options whose default is not the API's when ``jixiao convert`` runs (see DEFAULTS_DIFFER):
    the engine, keep_results, and the repair memory as $JIXIAO_MEMORY has it now."""
    return {**COMMAND_LINE_DEFAULTS, "memory": default_memory()}


def _from_settings(name: str) -> Any:
    return getattr(settings(), name)


class ConvertOptions(BaseModel):
    """Everything ``convert`` is told, validated as a whole. Picklable: it is data."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    formats: tuple[str, ...] = Field(
        ("jsonl", "csv"),
        description="record formats to write (names of registered sinks, jixiao.output.sinks.SINKS); "
        "JSONL is always written")
    validate_outputs: bool = Field(
        True, alias="validate",
        description="check every written line against its shipped JSON Schema")
    memory: Optional[Path] = Field(
        None, description="SQLite repair memory to draw on (and, with `learn`, to add this batch to); "
        "None: no memory")
    references: tuple[str, ...] = Field(
        (), description="reference documents or folders (text or PDF) trusted as evidence")
    learn: bool = Field(True, description="add this batch's passages to the repair memory")
    engine: str = Field(
        "serial", description="where the work runs: serial (this process), local (a process pool) "
        "or dask (a Dask cluster)")
    workers: Optional[int] = Field(
        None, ge=1, le=4096, description="worker processes for local, or for dask's LocalCluster; "
        "None: the core count")
    scheduler: Optional[str] = Field(
        None, description="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (dask only)")
    timeout: Optional[float] = Field(
        DEFAULT_TIMEOUT, gt=0, le=7 * 24 * 3600,
        description="seconds per input and phase on the pool engines; None: no limit")
    memory_limit: Optional[int] = Field(
        DEFAULT_MEMORY_LIMIT, ge=16 << 20,
        description="bytes of address space per local worker (at least 16 MiB); None: no limit")
    cache: bool = Field(True, description="keep OUT/.cache so that a re-run skips unchanged inputs")
    keep_results: bool = Field(
        True, description="keep every outcome in the Result; False keeps only those of inputs that "
        "are not ok (without records), for bounded memory")
    max_pages: MaxPages = Field(default_factory=partial(_from_settings, "max_pages"))
    max_ocr_pages: MaxOcrPages = Field(default_factory=partial(_from_settings, "max_ocr_pages"))
    max_inflated_mb: MaxInflatedMb = Field(default_factory=partial(_from_settings, "max_inflated_mb"))
    ocr_threads: OcrThreads = Field(default_factory=partial(_from_settings, "ocr_threads"))
    vocabulary: tuple[Path, ...] = Field(
        default_factory=partial(_from_settings, "vocabulary"),
        description="vocabulary files (TOML, the form of jixiao/layout/vocabulary.toml) whose names are "
        "added to the built-in ones; checked before any work (`--vocabulary`, `JIXIAO_VOCABULARY`)")
    text_form: Optional[str] = Field(
        None, description="read every text dump in this form instead of detecting it (`--text-form`): "
        "one of jixiao.extractors.text_forms.FORMS")
    reader: ReaderSettings = Field(default_factory=ReaderSettings,
                                   description="the reader's costs and thresholds (jixiao.reader.settings)")
    # the budgets of issue 23: each checked before the work it bounds (extractors/limits.py)
    max_input_mb: MaxInputMb = Field(default_factory=partial(_from_settings, "max_input_mb"))
    max_text_mb: MaxTextMb = Field(default_factory=partial(_from_settings, "max_text_mb"))
    max_page_mb: MaxPageMb = Field(default_factory=partial(_from_settings, "max_page_mb"))
    max_part_mb: MaxPartMb = Field(default_factory=partial(_from_settings, "max_part_mb"))
    max_cells: MaxCells = Field(default_factory=partial(_from_settings, "max_cells"))
    max_merged_cells: MaxMergedCells = Field(default_factory=partial(_from_settings, "max_merged_cells"))
    max_tables: MaxTables = Field(default_factory=partial(_from_settings, "max_tables"))
    max_depth: MaxDepth = Field(default_factory=partial(_from_settings, "max_depth"))
    max_cell_chars: MaxCellChars = Field(default_factory=partial(_from_settings, "max_cell_chars"))
    max_format_chars: MaxFormatChars = Field(default_factory=partial(_from_settings, "max_format_chars"))
    max_lines: MaxLines = Field(default_factory=partial(_from_settings, "max_lines"))

    @field_validator("formats", mode="before")
    @classmethod
    def _known_formats(cls, value: Any) -> tuple[str, ...]:
        # the sink registry is the one list of formats (imported here: output builds on pipeline)
        from ..output.sinks import check_formats

        return check_formats([value] if isinstance(value, str) else value)

    @field_validator("vocabulary", mode="before")
    @classmethod
    def _vocabulary_files(cls, value: Any) -> tuple[Path, ...]:
        paths = (value,) if isinstance(value, (str, os.PathLike)) else tuple(value or ())
        paths = tuple(Path(p) for p in paths)
        try:
            load_vocabulary(*paths)  # the file, the line and the problem, before any work
        except VocabularyError as error:
            raise ValueError(str(error)) from None
        return paths

    @field_validator("text_form")
    @classmethod
    def _known_text_form(cls, value: Optional[str]) -> Optional[str]:
        try:
            return check_form(value)
        except UnknownTextForm as error:
            raise ValueError(str(error)) from None

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        if value not in ENGINES:
            raise ValueError(f"unknown engine {value!r}; choose from {', '.join(ENGINES)}")
        return value

    @field_validator("references", mode="before")
    @classmethod
    def _paths(cls, value: Any) -> Any:
        if isinstance(value, (str, os.PathLike)):
            value = [value]
        return tuple(os.fspath(v) for v in value) if value is not None else ()

    @classmethod
    def build(cls, options: Optional["ConvertOptions"] = None, **changes: Any) -> "ConvertOptions":
        """``options`` (or the defaults) with ``changes``, validated; raises OptionsError."""
        try:
            if options is None:
                return cls(**changes)
            return cls(**{**options.model_dump(by_alias=True, exclude_unset=True), **changes})
        except ValidationError as error:
            raise options_error(error, cls) from None

    def limits(self) -> ExtractionLimits:
        """What every extraction task of the batch runs under (sent with each task)."""
        return ExtractionLimits(**{name: getattr(self, name) for name in ExtractionLimits.model_fields})

    def task(self, learned: Sequence[LearnedLayout] = ()) -> TaskSettings:
        """Everything each extraction-and-reading task runs under, sent with it to the worker: the
        limits, the vocabulary (the vocabulary in force in this process, with the files of
        ``vocabulary`` added), the reader's settings, the text form and the learned layouts: those a
        caller set in this process (``reader.learned.using``) and ``learned``, the repair memory's
        (the caller's come first, so they win for a header both have)."""
        vocabulary = load_vocabulary(*self.vocabulary, base=current_vocabulary()) if self.vocabulary \
            else current_vocabulary()
        return TaskSettings(limits=self.limits(), vocabulary=vocabulary, reader=self.reader,
                            text_form=self.text_form, learned=(*learned_current(), *learned))


def _allowed(info) -> str:
    """The range a field's constraints allow, in words ('' when it has none)."""
    low = high = None
    for item in getattr(info, "metadata", ()):
        for attribute, bound in (("ge", "≥"), ("gt", ">")):
            if getattr(item, attribute, None) is not None:
                low = f"{bound} {getattr(item, attribute)}"
        for attribute, bound in (("le", "≤"), ("lt", "<")):
            if getattr(item, attribute, None) is not None:
                high = f"{bound} {getattr(item, attribute)}"
    return " and ".join(part for part in (low, high) if part)


def describe(error: ValidationError, model: type[BaseModel], *, env: bool = False) -> str:
    """One line per bad option: its name, the value given, what went wrong and what is allowed."""
    return "\n".join(line for line, _ in _problems(error, model, env=env))


def options_error(error: ValidationError, model: type[BaseModel], *, env: bool = False) -> OptionsError:
    """The :class:`OptionsError` of a validation error: the lines of :func:`describe`, and the same as data."""
    problems = _problems(error, model, env=env)
    return OptionsError("\n".join(line for line, _ in problems), bad=[bad for _, bad in problems])


def _choices(name: str) -> str:
    """The names an option takes, for one that takes names."""
    if name == "engine":
        return ", ".join(ENGINES)
    if name == "formats":
        from ..output.sinks import SINKS  # the registry: imported here, output builds on pipeline

        return ", ".join(SINKS)
    return ""


def _problems(error: ValidationError, model: type[BaseModel], *, env: bool) -> list[tuple[str, BadOption]]:
    fields = model.model_fields
    by_alias = {info.alias: name for name, info in fields.items() if info.alias}
    problems = []
    for item in error.errors():
        key = str(item["loc"][0]) if item["loc"] else "?"
        name = by_alias.get(key, key)
        label = f"{ENV_PREFIX}{name.upper()}" if env else name
        if item["type"] == "extra_forbidden":
            known = ", ".join(info.alias or n for n, info in fields.items())
            problems.append((f"unknown option {label!r}; options are: {known}",
                             BadOption(label, item.get("input"), known, unknown=True)))
            continue
        message = item["msg"].removeprefix("Value error, ")
        info = fields.get(name)
        allowed = (_allowed(info) if info is not None else "") or _choices(name)
        detail = f"option {label} = {item.get('input')!r}: {message}"
        if allowed and allowed not in detail:
            detail += f" (allowed: {allowed})"
        if info is not None and info.description:
            detail += f" [{label}: {info.description}]"
        problems.append((detail, BadOption(label, item.get("input"), allowed)))
    return problems
