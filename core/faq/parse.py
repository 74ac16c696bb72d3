"""Turn one ``<lang>/<id>.md`` file into a FaqEntry plus the problems found in it.

Both the loader and ``check`` use this, so they can never disagree on what a
valid file is. Line numbers come from the YAML node marks, which is why the
front matter is split and composed here rather than through python-frontmatter.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from core.domain import DEFAULT_CATEGORY
from core.faq.model import FaqEntry

Severity = Literal["error", "warning"]

# The id is also the file name, so no separators, spaces or leading dot; otherwise
# free (BANKING77 has "reverted_card_payment?").
ID_PATTERN = re.compile(r"^[^\s/\\.][^\s/\\]*$")
KNOWN_KEYS = frozenset({"id", "title", "questions", "tags", "category"})
_FRONT_MATTER_START = 2  # YAML line 0 is file line 2 (line 1 is the opening ---)
# libyaml's parser when PyYAML has it (several times faster), same nodes and marks.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Issue:
    line: int | None  # 1-based line in the file, None when it concerns the whole file
    severity: Severity
    message: str


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    entry: FaqEntry | None  # None: the file cannot be turned into an entry at all
    issues: tuple[Issue, ...]
    id_line: int | None = None
    question_lines: tuple[int, ...] = ()  # one per kept question in entry.questions


class _Fatal(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class _Field:
    value: object
    line: int
    node: yaml.Node


@dataclass
class _State:
    issues: list[Issue] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        self.issues.append(Issue(line, "error", message))

    def warning(self, line: int | None, message: str) -> None:
        self.issues.append(Issue(line, "warning", message))


def parse_entry_file(path: Path, lang: str) -> ParsedFile:
    state = _State()
    try:
        header, header_end, body = _split(_read_text(path))
        fields = _compose(header, state)
        return _build(path, lang, fields, header_end, body, state)
    except _Fatal as fatal:
        state.error(fatal.line, fatal.message)
        return ParsedFile(path, None, tuple(state.issues))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _Fatal(None, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Fatal(None, f"not valid UTF-8 (byte {exc.start})") from exc


def _split(text: str) -> tuple[str, int, str]:
    """Return the front matter text, the line number of its closing ``---`` and the body."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        raise _Fatal(1, "missing front matter: the file must start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), index + 1, "\n".join(lines[index + 1 :])
    raise _Fatal(1, "front matter is not closed by a '---' line")


def _compose(header: str, state: _State) -> dict[str, _Field]:
    try:
        node = yaml.compose(header, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is None or (exc.context_mark is not None and mark.index >= len(header.rstrip())):
            # An error found only at the end (an unclosed bracket) is better
            # reported where the construct started.
            mark = exc.context_mark or mark
        line = mark.line + _FRONT_MATTER_START if mark else 1
        raise _Fatal(line, f"invalid YAML in front matter: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise _Fatal(1, f"invalid YAML in front matter: {exc}") from exc
    if not isinstance(node, yaml.MappingNode):
        raise _Fatal(_FRONT_MATTER_START, "front matter must be a mapping (id: ..., title: ...)")
    fields: dict[str, _Field] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + _FRONT_MATTER_START
        key = _construct(key_node, line)
        if not isinstance(key, str):
            state.error(line, f"front matter key {key!r} is not a string")
            continue
        if key in fields:
            state.error(line, f"duplicate key '{key}' (first on line {fields[key].line})")
            continue
        fields[key] = _Field(_construct(value_node, line), line, value_node)
    return fields


def _construct(node: yaml.Node, line: int) -> object:
    try:
        return _LOADER("").construct_document(node)
    except yaml.YAMLError as exc:
        raise _Fatal(line, f"invalid YAML value: {exc}") from exc


def _build(
    path: Path,
    lang: str,
    fields: Mapping[str, _Field],
    header_end: int,
    body: str,
    state: _State,
) -> ParsedFile:
    for key, value in fields.items():
        if key not in KNOWN_KEYS:
            state.warning(
                value.line,
                f"unknown key '{key}' (expected one of {sorted(KNOWN_KEYS)})",
            )
    entry_id, id_line = _entry_id(path, fields, state)
    title = _required_text(fields, "title", state)
    questions, question_lines = _questions(fields, header_end, state)
    tags = _tags(fields, state)
    category = _category(fields, header_end, state)
    answer = body.strip()
    if not answer:
        state.error(header_end, "the answer (the Markdown after the front matter) is empty")
    entry = FaqEntry(
        id=entry_id,
        lang=lang,
        title=title,
        questions=questions,
        tags=tags,
        category=category,
        answer=answer,
        path=path,
    )
    return ParsedFile(path, entry, tuple(state.issues), id_line, question_lines)


def _entry_id(path: Path, fields: Mapping[str, _Field], state: _State) -> tuple[str, int]:
    entry_id = _required_text(fields, "id", state)
    line = fields["id"].line
    if not ID_PATTERN.match(entry_id):
        raise _Fatal(
            line, f"id '{entry_id}' must not contain spaces or slashes, nor start with '.'"
        )
    if entry_id != path.stem:
        state.error(line, f"id '{entry_id}' does not match the file name '{path.name}'")
    return entry_id, line


def _required_text(fields: Mapping[str, _Field], key: str, state: _State) -> str:
    found = fields.get(key)
    if found is None:
        raise _Fatal(1, f"missing required key '{key}'")
    if isinstance(found.value, bool) or not isinstance(found.value, str | int | float):
        raise _Fatal(found.line, f"'{key}' must be a text, got {_kind(found.value)}")
    if not isinstance(found.value, str):
        # YAML read `id: 2024` as a number; accept it but ask for quotes.
        state.warning(found.line, f"'{key}' was read as a number; quote it")
    text = str(found.value).strip()
    if not text:
        raise _Fatal(found.line, f"'{key}' is empty")
    return text


def _questions(
    fields: Mapping[str, _Field], header_end: int, state: _State
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    found = fields.get("questions")
    if found is None:
        state.error(
            header_end,
            "missing 'questions': add example phrasings the matcher learns from",
        )
        return (), ()
    if found.value is None:
        state.error(found.line, "'questions' is empty")
        return (), ()
    if not isinstance(found.value, list) or not isinstance(found.node, yaml.SequenceNode):
        raise _Fatal(found.line, f"'questions' must be a list, got {_kind(found.value)}")
    if not found.value:
        state.error(found.line, "'questions' is empty")
    questions: list[str] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    for item, item_node in zip(found.value, found.node.value, strict=True):
        line = item_node.start_mark.line + _FRONT_MATTER_START
        if isinstance(item, list | dict):
            raise _Fatal(line, f"a question must be a text, got {_kind(item)}")
        text = "" if item is None else " ".join(str(item).split())
        if not text:
            state.error(line, "empty question")
            continue
        key = text.casefold()
        if key in seen:
            state.warning(line, f"question repeated (first on line {seen[key]})")
            continue
        seen[key] = line
        questions.append(text)
        lines.append(line)
    return tuple(questions), tuple(lines)


def _tags(fields: Mapping[str, _Field], state: _State) -> tuple[str, ...]:
    found = fields.get("tags")
    if found is None or found.value is None:
        return ()
    if isinstance(found.value, str):
        state.warning(found.line, "'tags' should be a list, e.g. tags: [network]")
        return (found.value.strip(),) if found.value.strip() else ()
    if not isinstance(found.value, list):
        raise _Fatal(found.line, f"'tags' must be a list, got {_kind(found.value)}")
    tags: list[str] = []
    for item in found.value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise _Fatal(found.line, f"a tag must be a text, got {_kind(item)}")
        if str(item).strip():
            tags.append(str(item).strip())
    return tuple(tags)


def _category(fields: Mapping[str, _Field], header_end: int, state: _State) -> str:
    found = fields.get("category")
    if found is None or found.value is None:
        state.warning(header_end, f"missing 'category'; escalations go to '{DEFAULT_CATEGORY}'")
        return DEFAULT_CATEGORY
    if not isinstance(found.value, str) or not found.value.strip():
        raise _Fatal(found.line, f"'category' must be a non-empty text, got {_kind(found.value)}")
    return found.value.strip()


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        str: "a text",
    }.get(type(value), type(value).__name__)
