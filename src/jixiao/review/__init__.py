"""The clerks' review app: a keyboard-driven web queue over a converted batch.

``log`` is the append-only decision log (in the repair memory's SQLite file),
``actions`` turns a clerk's keystroke into log rows and memory passages,
``batch`` loads a batch folder and writes it back with decisions applied,
``sources`` renders page crops and text-dump context, ``app`` is the Flask
Blueprint and its server, and ``cli`` the ``jixiao review`` / ``export``
commands. Applying decisions to a field (``repair.settle``) and to a new
conversion (``repair.feedback``) live in repair: the batch runner uses them
without anything of this package.
"""
