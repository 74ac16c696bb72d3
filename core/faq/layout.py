"""Where entry files live: ``<root>/<lang>/<id>.md``."""

import re
from dataclasses import dataclass
from pathlib import Path

LANG_DIR = re.compile(r"^[a-z]{2,3}$")
THRESHOLDS_FILE = "thresholds.json"


@dataclass(frozen=True)
class EntryFile:
    lang: str
    path: Path


def entry_files(root: Path) -> list[EntryFile]:
    """All entry files under root, in a stable order (language, then file name)."""
    found: list[EntryFile] = []
    for lang_dir in sorted(root.iterdir()):
        if not lang_dir.is_dir() or not LANG_DIR.match(lang_dir.name):
            continue
        for path in sorted(lang_dir.glob("*.md")):
            if path.is_file() and not path.name.startswith("."):
                found.append(EntryFile(lang_dir.name, path))
    return found


def fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detector: name, size and mtime of every file the snapshot depends on."""
    paths = [f.path for f in entry_files(root)] if root.is_dir() else []
    paths.append(root / THRESHOLDS_FILE)
    stamps: list[tuple[str, int, int]] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)
