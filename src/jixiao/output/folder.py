"""The output folder, checked before any work: a batch must not run for an hour and then fail to write.

:func:`prepare_out_dir` creates OUT (and its parents) and proves that a file
can be created in it; :class:`OutputFolderError` says plainly what is wrong
(OUT names a file, a path under a file, a read-only folder, …). The CLI turns
it into exit status 2, the usage error.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Union

from ..model.errors import ErrorCode, JixiaoError


class OutputFolderError(JixiaoError, ValueError):
    """OUT cannot hold the outputs; the message names it and says why."""

    default_code = ErrorCode.OUTPUT_FOLDER_UNUSABLE


def prepare_out_dir(out_dir: Union[str, os.PathLike]) -> Path:
    """Create ``out_dir`` if needed and check that files can be written in it."""
    if not os.fspath(out_dir):
        # Path("") is ".": `-o ""` (an unset shell variable) wrote the outputs into the current folder
        raise OutputFolderError("the output folder is empty (-o \"\"); give -o the name of a folder")
    path = Path(out_dir)
    shown = os.fsdecode(os.fsencode(path)).encode("utf-8", "backslashreplace").decode("utf-8")
    if path.exists() and not path.is_dir():
        raise OutputFolderError(f"output folder {shown} is a file, not a folder; give -o a folder")
    blocker = next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)
    if blocker is not None:
        raise OutputFolderError(f"output folder {shown} cannot be created: {blocker} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputFolderError(f"output folder {shown} cannot be created: {_reason(error)}") from None
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".jixiao-probe-"):
            pass
    except OSError as error:
        raise OutputFolderError(f"output folder {shown} is not writable: {_reason(error)}") from None
    return path


def _reason(error: OSError) -> str:
    if error.errno in (errno.EROFS,):
        return "the file system is read-only"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (a read-only folder?)"
    return error.strerror or str(error)
