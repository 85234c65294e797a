"""The clerks' review app: a keyboard-driven web queue over a converted batch.

``log`` is the append-only decision log (in the repair memory's SQLite file),
``batch`` loads a batch folder and writes it back with decisions applied,
``feedback`` applies earlier decisions to a new conversion, ``sources``
renders page crops and text-dump context, and ``app`` is the Flask server.
This package imports no web framework at import time, so the batch runner
can use ``feedback`` without loading Flask.
"""
