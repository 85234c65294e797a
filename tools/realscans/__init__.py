"""Scans of the real filings' truth, made apart from the project's own sample generator (issue 21).

The reader's scan path was tuned on scans that ``tools/samplegen`` draws (reportlab, WenQuanYi Zen Hei,
pdfium). These are drawn another way, so that a figure on them says how a scan from a county office
would read: each hand-written truth of ``samples/real/`` (every family that prints a table) is laid out
as its family prints it (``tables``), drawn with PIL in AR PL UMing, a Song face (``draw``), and then
given what a county office's scanner or phone gives a page (``defects``): 150–300 dpi, a skew of up to
±2°, grey or yellowed paper, JPEG artefacts, a red seal over the lower-right cells, a handwritten
signature under the table, a page photographed at an angle, a table continued over pages. ``cidpdf``
writes the same pages as a vector PDF whose text layer reads as ``(cid:N)``.

    PYTHONPATH=tools .venv/bin/python -m realscans.make            # truths into samples/realscans/
    PYTHONPATH=tools .venv/bin/python -m realscans.make --scans build/realscans   # and the scans

The truths (small JSON) are committed; the scans are made at eval or test time (``make eval``).
A third of the files of each family are a holdout (``split``): made, scored once, reported apart.
"""
