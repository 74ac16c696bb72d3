"""Validation of a knowledge base directory, for ``helpdesk faq check`` and CI."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from core.faq.layout import entry_files
from core.faq.normalize import normalize_folded
from core.faq.parse import ParsedFile, parse_entry_file

# Two questions this similar (rapidfuzz ratio on normalised text) in two entries
# make the matcher toss a coin between them.
NEAR_DUPLICATE_RATIO = 92.0

# What `helpdesk faq draft` puts where the agent's answer belongs. An entry still carrying
# it would be served to users as if it were an answer.
PLACEHOLDER_ANSWER = "(write the answer here)"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.severity}: {self.message}"


def check_knowledge_base(root: Path) -> list[Problem]:
    """Every problem found under root, sorted by file and line. Errors make the check fail."""
    if not root.is_dir():
        return [Problem(root, None, "error", "knowledge base directory does not exist")]
    files = entry_files(root)
    if not files:
        return [Problem(root, None, "error", "no entries found (expected <root>/<lang>/<id>.md)")]
    parsed = [parse_entry_file(f.path, f.lang) for f in files]
    problems = [
        Problem(p.path, issue.line, issue.severity, issue.message)
        for p in parsed
        for issue in p.issues
    ]
    usable = [p for p in parsed if p.entry is not None]
    problems += _duplicate_ids(usable)
    problems += _missing_translations(usable)
    problems += _shared_questions(usable)
    problems += _placeholder_answers(usable)
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _duplicate_ids(parsed: list[ParsedFile]) -> list[Problem]:
    seen: dict[tuple[str, str], ParsedFile] = {}
    problems: list[Problem] = []
    for item in parsed:
        assert item.entry is not None
        key = (item.entry.lang, item.entry.id)
        if key in seen:
            problems.append(
                Problem(
                    item.path,
                    item.id_line,
                    "error",
                    f"id '{item.entry.id}' is already used by {seen[key].path}",
                )
            )
        else:
            seen[key] = item
    return problems


def _missing_translations(parsed: list[ParsedFile]) -> list[Problem]:
    langs_by_id: dict[str, dict[str, ParsedFile]] = defaultdict(dict)
    for item in parsed:
        assert item.entry is not None
        langs_by_id[item.entry.id].setdefault(item.entry.lang, item)
    all_langs = sorted({item.entry.lang for item in parsed if item.entry is not None})
    problems: list[Problem] = []
    for entry_id, by_lang in sorted(langs_by_id.items()):
        first = by_lang[min(by_lang)]

        def warn(message: str, first: ParsedFile = first) -> None:
            problems.append(Problem(first.path, first.id_line, "warning", message))

        missing = [lang for lang in all_langs if lang not in by_lang]
        if missing:
            # Not an error: the bot falls back to another language for the answer.
            warn(f"id '{entry_id}' has no translation in: {', '.join(missing)}")
        categories = {lang: p.entry.category for lang, p in by_lang.items() if p.entry is not None}
        if len(set(categories.values())) > 1:
            warn(f"id '{entry_id}' has a different category per language: {categories}")
    return problems


def _placeholder_answers(parsed: list[ParsedFile]) -> list[Problem]:
    problems: list[Problem] = []
    for item in parsed:
        assert item.entry is not None
        if PLACEHOLDER_ANSWER in item.entry.answer:
            problems.append(
                Problem(
                    item.path,
                    _line_of(item.path, PLACEHOLDER_ANSWER),
                    "error",
                    f"the answer is still the draft placeholder {PLACEHOLDER_ANSWER!r}; "
                    "write the answer before the entry is served",
                )
            )
    return problems


def _line_of(path: Path, text: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, start=1) if text in line), None)


def _shared_questions(parsed: list[ParsedFile]) -> list[Problem]:
    by_lang: dict[str, list[tuple[str, ParsedFile, int]]] = defaultdict(list)
    for item in parsed:
        assert item.entry is not None
        for question, line in zip(item.entry.questions, item.question_lines, strict=True):
            by_lang[item.entry.lang].append((normalize_folded(question), item, line))
    problems: list[Problem] = []
    for rows in by_lang.values():
        texts = [text for text, _, _ in rows]
        scores = process.cdist(
            texts,
            texts,
            scorer=fuzz.ratio,
            score_cutoff=NEAR_DUPLICATE_RATIO,
            workers=-1,
        )
        for i, j in zip(*scores.nonzero(), strict=True):
            if j <= i:
                continue
            (text_a, a, line_a), (text_b, b, line_b) = rows[i], rows[j]
            if a is b:
                continue
            assert a.entry is not None and b.entry is not None
            exact = text_a == text_b
            problems.append(
                Problem(
                    b.path,
                    line_b,
                    "error" if exact else "warning",
                    f"question {'identical' if exact else 'nearly identical'} to one of "
                    f"'{a.entry.id}' ({a.path}:{line_a}); the matcher cannot tell them apart",
                )
            )
    return problems
