"""Reading the service file: YAML with line numbers, checked by `ServiceConfig`.

Errors name the file and the line of the value that is wrong (PyYAML's nodes carry
their marks), so `helpdesk service check` reads like a compiler.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.service.config import ServiceConfig


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 when the file as a whole is wrong
    where: str  # the key path, e.g. slas[0].first_response
    message: str

    def describe(self, path: str) -> str:
        place = f"{path}:{self.line}" if self.line else path
        return f"{place}: {self.where + ': ' if self.where else ''}{self.message}"


class ServiceFileError(Exception):
    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(problem.describe(path) for problem in problems))


def read_service_file(path: Path) -> ServiceConfig:
    """The checked configuration in `path`; ServiceFileError with every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ServiceFileError(str(path), [Problem(0, "", f"cannot read: {error}")]) from None
    return parse_service_text(text, str(path))


def parse_service_text(text: str, name: str = "service.yaml") -> ServiceConfig:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = getattr(error, "problem", None) or str(error)
        raise ServiceFileError(name, [Problem(line, "", f"not valid YAML: {reason}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ServiceFileError(name, [Problem(1, "", "the file must be a mapping of sections")])
    try:
        return ServiceConfig.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(_line_of(node, problem["loc"]), _path(problem["loc"]), _message(problem))
            for problem in error.errors(include_url=False)
        ]
        raise ServiceFileError(name, problems) from None


def _message(problem: Any) -> str:
    message = str(problem["msg"])
    return message.removeprefix("Value error, ")


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not str(part).startswith(("function-", "list[", "dict[", "nullable")):
            text += f".{part}" if text else str(part)
    return text


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The line of the deepest node `loc` reaches (pydantic's loc: keys and indexes)."""
    if node is None:
        return 0
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            continue  # a union's branch name or a missing key: stay on the parent
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                found: yaml.Node = value
                return found
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None
