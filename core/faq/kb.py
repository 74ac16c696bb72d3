"""The knowledge base: an immutable snapshot of every entry in every language."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from core.faq.layout import entry_files
from core.faq.model import FaqEntry
from core.faq.parse import parse_entry_file


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded; the message names the file and the reason."""


class KnowledgeBase:
    """Entries grouped by language. Built once, never mutated: reloads build a new one."""

    def __init__(self, root: Path, entries: Sequence[FaqEntry]) -> None:
        by_lang: dict[str, list[FaqEntry]] = {}
        by_key: dict[tuple[str, str], FaqEntry] = {}
        for entry in entries:
            key = (entry.lang, entry.id)
            if key in by_key:
                raise KnowledgeBaseError(
                    f"{entry.path}: id '{entry.id}' is already used by {by_key[key].path}"
                )
            by_key[key] = entry
            by_lang.setdefault(entry.lang, []).append(entry)
        self.root = root
        self.languages: tuple[str, ...] = tuple(sorted(by_lang))
        self._by_lang: Mapping[str, tuple[FaqEntry, ...]] = MappingProxyType(
            {lang: tuple(items) for lang, items in by_lang.items()}
        )
        self._by_key: Mapping[tuple[str, str], FaqEntry] = MappingProxyType(by_key)

    def entries(self, lang: str) -> Sequence[FaqEntry]:
        return self._by_lang.get(lang, ())

    def all_entries(self) -> Sequence[FaqEntry]:
        return tuple(e for lang in self.languages for e in self._by_lang[lang])

    def ids(self) -> frozenset[str]:
        return frozenset(entry_id for _, entry_id in self._by_key)

    def get(self, entry_id: str, lang: str) -> FaqEntry | None:
        """The entry in ``lang``, else the same entry in another language (English first)."""
        found = self._by_key.get((lang, entry_id))
        if found is not None:
            return found
        fallbacks = sorted(self.languages, key=lambda other: (other != "en", other))
        for other in fallbacks:
            found = self._by_key.get((other, entry_id))
            if found is not None:
                return found
        return None

    def translations(self, entry_id: str, lang: str) -> tuple[FaqEntry, ...]:
        """The same entry in the knowledge base's other languages (no fallback to ``lang``)."""
        found = (self._by_key.get((other, entry_id)) for other in self.languages if other != lang)
        return tuple(entry for entry in found if entry is not None)

    def __len__(self) -> int:
        return len(self._by_key)

    def __repr__(self) -> str:
        return f"KnowledgeBase(root={str(self.root)!r}, entries={len(self)}, languages={self.languages})"


def load_knowledge_base(root: Path) -> KnowledgeBase:
    """Load every ``<root>/<lang>/<id>.md``; raise KnowledgeBaseError on the first unusable file.

    Quality problems that still leave a usable entry (a missing category, an empty
    question...) do not stop loading; ``check_knowledge_base`` reports them.
    """
    if not root.is_dir():
        raise KnowledgeBaseError(f"{root}: knowledge base directory does not exist")
    entries: list[FaqEntry] = []
    try:
        files = entry_files(root)
    except OSError as exc:
        raise KnowledgeBaseError(f"{root}: cannot list the knowledge base: {exc}") from exc
    for found in files:
        parsed = parse_entry_file(found.path, found.lang)
        if parsed.entry is None:
            # The issue that stopped parsing is always the last one.
            fatal = parsed.issues[-1]
            where = f"{found.path}:{fatal.line}" if fatal.line else str(found.path)
            raise KnowledgeBaseError(f"{where}: {fatal.message}")
        entries.append(parsed.entry)
    return KnowledgeBase(root, entries)
