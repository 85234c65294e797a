"""The reader: any source's grids → a Filing of indicator rows, or a failure saying what was seen.

One reader for every format and layout. Extractors hand it grids (cells with their row, column,
spans and provenance) and know nothing of what a column means; the reader decides it, through
steps that each keep what they produced (``jixiao inspect FILE`` shows them):

- ``header``: which row names the columns, and which field each name is (the layout vocabulary);
- ``roles``: each column's role from its header and from what its cells hold;
- ``rows``: a run of cells cut into rows where a dump lost the line breaks;
- ``align``: a row whose merged cells left no trace placed into the columns by what each cell holds;
- ``table``: the rows read, carried down, dropped (each with its line and reason), and why the table ended;
- ``block``: department, project, goals, budget and year from the text around the table.

The seed's split layout (three column groups, each under its own header block, rows zipped by order) is
one family of this reader (``fragments``): its grids come tagged with their fragment.

Every filing carries a reading report (:class:`jixiao.model.ReadingReport`).
"""

from .errors import LayoutNotUnderstood
from .read import read_layout, read_tables

__all__ = ["LayoutNotUnderstood", "read_layout", "read_tables"]
