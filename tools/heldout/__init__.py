"""Held-out PDFs in CJK fonts the file names but does not embed, made by another path than samplegen.

Issue 20: the project's own PDFs all come from one reportlab renderer
(``samplegen.render_pdf``), so a reader tuned on them may only read that
renderer. These are laid out by :mod:`.layout` (portrait pages, other font
sizes, paddings and column widths, cells drawn as rectangles) and written by
two writers of their own:

* :mod:`.rawpdf` writes the PDF bytes itself: SimSun as a non-embedded
  CIDFontType2 (the way office and budget-system exports name it), text shown
  with TJ arrays and character spacing, and, in some files, numbers and
  operators in a Type 3 font (every one of them a one-glyph text object);
* :mod:`.rl` is a reportlab script: STSong-Light (non-embedded) and, in some
  files, numbers in an embedded subset of reportlab's Vera.

The content comes from ``samplegen.synth`` with a seed no sample uses, left
ungarbled, so that a structured field read wrong is the reader's doing.
``python -m heldout.make --out DIR`` writes them with their truth files;
``benchmarks/eval_heldout_pdf.py`` converts and scores them with and without
the machine's fonts.
"""
