"""Running a command as on a machine with no fonts installed (issue 20).

pdfium looks for a font the PDF names but does not embed in the system's font
folders; a developer's CJK font there once hid that the answer depended on it.
Here a command runs in a private mount namespace (``unshare -m``) where an
empty tmpfs lies over every one of those folders, so no program it starts sees
a font; the machine itself is not touched. That needs the right to unshare
(root, or CAP_SYS_ADMIN): :func:`unavailable` says why not when it is missing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Optional, Sequence

# where pdfium (CFX_LinuxFontInfo) and fontconfig look for fonts
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/X11/fonts")

_SCRIPT = ('set -e; for d in "$@"; do case "$d" in --) shift; break;; esac; '
           '[ -d "$d" ] && mount -t tmpfs -o ro,size=1k none "$d"; shift; done; exec "$@"')


def command(argv: Sequence[str]) -> list[str]:
    """``argv`` wrapped so that it runs with every font folder empty."""
    return ["unshare", "-m", "sh", "-c", _SCRIPT, "sh", *FONT_DIRS, "--", *argv]


@functools.lru_cache(maxsize=1)
def unavailable() -> Optional[str]:
    """Why fonts cannot be hidden here, or None when they can."""
    if shutil.which("unshare") is None:
        return "no unshare command (util-linux)"
    folders = " ".join(d for d in FONT_DIRS if Path(d).is_dir())
    probe = command(["sh", "-c", f'test -z "$(find {folders} -mindepth 1 -print -quit)"'] if folders else ["true"])
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"unshare cannot run: {error}"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["the font folders stay visible"])[-1]
        return f"cannot hide the font folders with unshare -m (needs root or CAP_SYS_ADMIN): {reason}"
    return None


def run(argv: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``argv`` with the fonts hidden (see :func:`unavailable` first)."""
    return subprocess.run(command(argv), **kwargs)


def main(argv: Sequence[str]) -> int:
    """``python tests/hidden_fonts.py CMD …``: CMD's exit status, or 3 (and why) when fonts cannot
    be hidden here."""
    import sys

    reason = unavailable()
    if reason is not None:
        print(f"hidden_fonts: {reason}", file=sys.stderr)
        return 3
    return run(argv).returncode


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
