"""Reference documents the user trusts: a provincial 三定 duties list, last year's clean filing.

``--reference DIR`` (or a file) adds every line of every .txt file, and the
text of every PDF page, to a passage index at REFERENCE trust. Lines are also
split into their numbered items （一）… and sentences, because a duties list
numbers its items the way a filing's duties cell does.

A PDF's text is read by the ``pdf_text`` the caller gives (the batch gives the
PDF extractor's, which reads a font the file does not embed from the file's own
data: issue 20); without one, by pdfium's text page, which on a machine without
the font may leave out a one-character text object.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from ..model.errors import ReferenceFileError
from .index import PassageIndex, PassageRef, Trust

LABEL = r"(?:[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]|(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．])"
ITEM_START = re.compile(rf"(?={LABEL})")
LEADING_LABEL = re.compile(rf"^\s*{LABEL}\s*")
SENTENCE_END = re.compile(r"(?<=[。；;！？])")
REFERENCE_SUFFIXES = {".txt", ".md", ".pdf"}


def reference_files(paths: Iterable[Union[str, Path]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in REFERENCE_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise ReferenceFileError(f"{path}: no such reference file or folder")
    return files


PdfText = Callable[[str, bytes], str]  # (source, bytes) → the document's text, line by line


def _read_text(path: Path, pdf_text: Optional[PdfText] = None) -> str:
    if path.suffix.lower() == ".pdf" and pdf_text is not None:
        try:
            return pdf_text(str(path), path.read_bytes())
        except Exception as error:  # the reader raises its own error types
            raise ReferenceFileError(f"{path}: cannot read the PDF: {error}") from None
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(str(path))
        except Exception as error:  # pdfium raises its own error types
            raise ReferenceFileError(f"{path}: cannot open the PDF: {error}") from None
        try:
            return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        finally:
            document.close()
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReferenceFileError(f"{path}: not UTF-8 or GB18030 text")


def reference_passages(path: Path, pdf_text: Optional[PdfText] = None) -> Iterator[tuple[str, PassageRef]]:
    """Each line, each numbered item and each sentence of a reference document."""
    for number, line in enumerate(_read_text(path, pdf_text).splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        ref = PassageRef(source=str(path), filing=None, field=f"line {number}", trust=Trust.REFERENCE)
        yield line, ref
        for item in ITEM_START.split(line):
            if item.strip():
                if item != line:
                    yield item.strip(), ref
                # the item without its label, the way a split duties item reads
                yield LEADING_LABEL.sub("", item).strip(), ref
        for sentence in SENTENCE_END.split(line):
            if sentence and sentence != line:
                yield sentence.strip(), ref


def load_references(paths: Iterable[Union[str, Path]], *, pdf_text: Optional[PdfText] = None) -> PassageIndex:
    """The passage index of the reference documents; ``pdf_text`` reads a PDF's text (see above)."""
    index = PassageIndex()
    for path in reference_files(paths):
        index.extend(reference_passages(path, pdf_text))
    return index
