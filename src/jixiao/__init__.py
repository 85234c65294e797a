"""jixiao (绩效): turn departmental performance-goal filings into clean data.

The pipeline is extractors → repair → joiner → output writers; see ARCHITECTURE
in the README. The public entry points are :func:`jixiao.pipeline.convert` and
the ``jixiao`` command line.
"""

__version__ = "0.1.0"
