"""Text detection and recognition for page images: RapidOCR's PP-OCRv4 models, used in parts.

RapidOCR's one-call API detects and recognises a whole page. We call its
detector and recogniser separately instead, because the table grid tells us
which boxes we need (the header block is read once per filing, not on every
fragment page) and where each box must be clipped (a ruling line inside a
crop is read as "1" or "|"). The models ship in the rapidocr-onnxruntime wheel;
nothing is downloaded.

Recognition also returns each character's position (the CTC column), which
lets us see the gap a collapsed run leaves ("组 ，推 "): the recogniser itself
never emits those spaces.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

import cv2
import numpy as np

DETECT_SCALE = 0.5  # text lines at 200 DPI are ~30 px high; the detector is as good at half that
GAP_EM_WIDE = 0.36  # between two ideographs (no punctuation glyph to explain a blank), be surer
GAP_EM = 0.27  # a blank this wide (in ems) after an ideograph is a space: bearings leave ~0.1


@dataclass(frozen=True)
class Recognised:
    text: str
    score: float


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _punctuation(ch: str) -> bool:
    return not (_cjk(ch) or ch.isalnum() or ch.isspace())


class OcrEngine:
    """A lazily loaded RapidOCR detector + recogniser, shared per process."""

    _shared: dict[int, "OcrEngine"] = {}  # by requested threads (0: the default)
    _lock = threading.Lock()

    def __init__(self, threads: Optional[int] = None):
        from rapidocr_onnxruntime import RapidOCR  # heavy import: only when a scan is read

        threads = threads or min(2, os.cpu_count() or 1)
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False)
        for wrapper in (self._ocr.text_det.infer, self._ocr.text_rec.session):
            wrapper.session = _without_spinning(wrapper.session, threads)

    @classmethod
    def shared(cls) -> "OcrEngine":
        """The process's engine for the ``ocr_threads`` of the limits in force (see .limits)."""
        from .limits import current

        threads = current().ocr_threads
        with cls._lock:
            if threads not in cls._shared:
                cls._shared[threads] = OcrEngine(threads or None)
            return cls._shared[threads]

    def detect(self, gray: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned boxes (x0, y0, x1, y1) of text lines in a deskewed grayscale page."""
        small = cv2.resize(gray, None, fx=DETECT_SCALE, fy=DETECT_SCALE, interpolation=cv2.INTER_AREA)
        boxes, _ = self._ocr.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
        if boxes is None:
            return []
        out = []
        for quad in boxes:
            xs, ys = quad[:, 0] / DETECT_SCALE, quad[:, 1] / DETECT_SCALE
            out.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
        return out

    def recognise(self, gray: np.ndarray, boxes: Sequence[tuple[float, float, float, float]]) -> list[Recognised]:
        """Read each box of the page; gaps after an ideograph become one space.

        Long lines are cut into pieces of about CHUNK_CHARS characters at blank
        columns first: the recogniser's global-attention blocks cost grows with
        the square of the width, so a 90-character line read whole takes ~10x
        longer than its ten pieces.
        """
        pieces: list[np.ndarray] = []
        owners: list[tuple[int, int]] = []  # (box, x offset of the piece in the box)
        profiles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        h, w = gray.shape[:2]
        for k, (x0, y0, x1, y1) in enumerate(boxes):
            x0, y0 = max(0, int(x0)), max(0, int(y0))
            x1, y1 = min(w, int(round(x1))), min(h, int(round(y1)))
            if x1 - x0 < 3 or y1 - y0 < 3:
                continue
            crop = gray[y0:y1, x0:x1]
            profiles[k] = ((crop < 128).sum(axis=0), (crop < ink_level(crop)).sum(axis=0))
            for start, end in _cuts(crop):
                pieces.append(cv2.cvtColor(np.ascontiguousarray(crop[:, start:end]), cv2.COLOR_GRAY2BGR))
                owners.append((k, start))
        results = [Recognised("", 0.0)] * len(boxes)
        if not pieces:
            return results
        raw, _ = self._ocr.text_rec(pieces, return_word_box=True)
        chars: dict[int, list[tuple[str, float]]] = {}
        scores: dict[int, list[float]] = {}
        for (k, offset), piece, item in zip(owners, pieces, raw):
            scores.setdefault(k, []).append(float(item[1]) if item[0] else 0.0)
            chars.setdefault(k, []).extend((ch, offset + x) for ch, x in _char_positions(item, piece.shape[1]))
        for k, placed in chars.items():
            score = float(np.mean(scores[k])) if placed else 0.0
            results[k] = Recognised(_with_gaps(placed, *profiles[k]), score)
        return results


def _without_spinning(session, threads: int):
    """The same model in a session whose idle intra-op threads sleep instead of spinning.

    onnxruntime's worker threads busy-wait between operators by default. On a
    machine whose cores are shared (batch runs, other users) that burns the
    CPU the other thread or process needs: measured on 2 busy cores, the
    recogniser took 40% less CPU and 30% less wall time without spinning.
    RapidOCR does not expose session options, so the session is rebuilt.
    """
    import onnxruntime as ort

    path = getattr(session, "_model_path", None)
    if not path:
        return session
    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


CHUNK_CHARS = 12
INK_SHARE = 0.25  # of the way from the paper to the darkest ink: fainter than this is paper


def _clear(faint: Optional[np.ndarray], start: int, end: int) -> bool:
    """Whether the columns start..end hold a run without faint ink at least half as wide."""
    if faint is None:
        return True
    longest = run = 0
    for value in faint[start:end]:
        run = run + 1 if value <= 1 else 0
        longest = max(longest, run)
    return longest >= 0.5 * (end - start)


def ink_level(crop: np.ndarray) -> float:
    """The grey level under which a line crop's pixels are ink. Fixed at 128, the thin horizontal
    strokes of a Song face (宋体) scanned at 150 dpi fell under it, and the blank columns they left
    inside a glyph read as spaces between words (issue 21): the level is taken near the paper."""
    paper, dark = float(np.percentile(crop, 90)), float(np.percentile(crop, 1))
    return max(128.0, paper - INK_SHARE * (paper - dark)) if paper - dark > 40 else 128.0


def _cuts(crop: np.ndarray) -> list[tuple[int, int]]:
    """Split a line crop into pieces of about CHUNK_CHARS glyphs, cutting at the emptiest column."""
    height, width = crop.shape[:2]
    target = CHUNK_CHARS * height
    if width <= target * 1.3:
        return [(0, width)]
    ink = (crop < ink_level(crop)).sum(axis=0)
    cuts, start = [], 0
    while width - start > target * 1.3:
        lo, hi = start + int(target * 0.8), min(width - 1, start + int(target * 1.1))
        cut = lo + int(np.argmin(ink[lo:hi]))
        cuts.append((start, cut))
        start = cut
    cuts.append((start, width))
    return cuts


def _char_positions(item, width: int) -> list[tuple[str, float]]:
    """Each recognised character with its x centre in the piece (pixels), from the CTC columns."""
    text = item[0]
    try:
        total, words, columns = item[2][0], item[2][1], item[2][2]
        chars = [ch for word in words for ch in word]
        cols = [c for word in columns for c in word]
    except (IndexError, TypeError):
        chars, cols, total = [], [], 0
    if not total or len(chars) != len(cols) or "".join(chars) != text.replace(" ", ""):
        # no usable positions: spread the characters evenly
        n = max(1, len(text))
        return [(ch, (i + 0.5) * width / n) for i, ch in enumerate(text) if ch != " "]
    return [(ch, (c + 0.5) * width / total) for ch, c in zip(chars, cols)]


def _with_gaps(chars: list[tuple[str, float]], ink: np.ndarray, faint: Optional[np.ndarray] = None) -> str:
    """Join characters, putting back the one space a garbled filing prints after a collapsed run.

    The recogniser drops spaces, and its character positions (CTC columns, a
    quarter of a character wide) are too coarse to show a third-of-an-em space.
    The ink is not: a blank run of columns wider than GAP_EM of the line's
    character pitch, right after an ideograph, is a space. Glyph bearings leave
    about a tenth of an em between two ideographs. Before punctuation, whose
    glyph may sit centred in its em box, a blank is only taken for a space after
    a lone ideograph: that is what a collapsed run leaves ("提 ，确 。"), while
    "建设，" is a word before its comma.
    """
    text = [ch for ch, _ in chars]
    xs = [x for _, x in chars]
    steps = [b - a for a, b in zip(xs, xs[1:])]
    cjk_steps = [s for s, a, b in zip(steps, text, text[1:]) if _cjk(a) and _cjk(b)]
    if len(cjk_steps) < 3:
        return "".join(text)
    em = float(np.mean(cjk_steps))
    blank = ink <= 1
    gaps_after: tuple[set[int], set[int]] = (set(), set())  # blanks ≥ GAP_EM, ≥ GAP_EM_WIDE
    x, n = 0, len(blank)
    while x < n:
        if not blank[x]:
            x += 1
            continue
        end = x
        while end < n and blank[end]:
            end += 1
        if end - x >= GAP_EM * em and x > 0 and end < n and _clear(faint, x, end):
            before = [i for i, cx in enumerate(xs) if cx < x]
            if before and before[-1] + 1 < len(text) and xs[before[-1] + 1] > end - 0.1 * em:
                gaps_after[0].add(before[-1])
                if end - x >= GAP_EM_WIDE * em:
                    gaps_after[1].add(before[-1])
        x = end
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i in gaps_after[0] and _cjk(ch) and (
                _cjk(text[i + 1]) and i in gaps_after[1] or i > 0 and _punctuation(text[i - 1])):
            out.append(" ")
    return "".join(out)
