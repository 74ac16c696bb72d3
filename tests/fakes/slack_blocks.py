"""Block Kit's limits, checked as Slack checks them before it posts a message or opens a view.

Each limit is the one its reference page gives:
- blocks: https://api.slack.com/reference/block-kit/blocks (50 blocks in a message, 100 in
  a modal or Home tab; `block_id` up to 255 characters; a section's text up to 3000
  characters and up to 10 fields of 2000 each, and one accessory element; an actions block up to 25 elements; a
  context block up to 10 elements; a header's text up to 150 characters; an input's label
  up to 2000 characters)
- elements: https://api.slack.com/reference/block-kit/block-elements (a button's text up
  to 75 characters, its value up to 2000, `action_id` up to 255; a static select up to 100
  options; a plain-text input's `max_length` up to 3000)
- options: https://api.slack.com/reference/block-kit/composition-objects#option (text up to
  75 characters, value up to 150)
- views: https://api.slack.com/reference/surfaces/views (a modal's title, submit and close
  up to 24 characters, plain_text only; `submit` required when the modal has input blocks;
  `callback_id` up to 255 and `private_metadata` up to 3000 characters)

The messages are the kind Slack puts in `response_metadata.messages`: the rule and a JSON
pointer to what broke it.
"""

from __future__ import annotations

from typing import Any

_BLOCK_TYPES = {"section", "context", "actions", "header", "divider", "input", "image"}
_ELEMENT_TYPES = {
    "button",
    "users_select",
    "static_select",
    "conversations_select",
    "plain_text_input",
    "overflow",
    "datepicker",
}


def _text_of(obj: object) -> str | None:
    return str(obj.get("text", "")) if isinstance(obj, dict) else None


def _too_long(found: list[str], value: object, limit: int, where: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        found.append(f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}]")


def _element_errors(element: dict[str, Any], where: str, found: list[str]) -> None:
    kind = element.get("type")
    if kind not in _ELEMENT_TYPES:
        found.append(f"[ERROR] unsupported type `{kind}` [json-pointer:{where}/type]")
        return
    _too_long(found, element.get("action_id"), 255, f"{where}/action_id")
    if kind == "button":
        _too_long(found, _text_of(element.get("text")), 75, f"{where}/text/text")
        _too_long(found, element.get("value"), 2000, f"{where}/value")
    if kind == "static_select":
        options = element.get("options") or []
        if len(options) > 100:
            found.append(f"[ERROR] no more than 100 items allowed [json-pointer:{where}/options]")
        for i, option in enumerate(options):
            _too_long(found, _text_of(option.get("text")), 75, f"{where}/options/{i}/text/text")
            _too_long(found, option.get("value"), 150, f"{where}/options/{i}/value")
    if kind == "plain_text_input":
        limit = element.get("max_length")
        if isinstance(limit, int) and not 1 <= limit <= 3000:
            found.append(f"[ERROR] must be between 1 and 3000 [json-pointer:{where}/max_length]")


def _block_errors(block: dict[str, Any], where: str, found: list[str]) -> None:
    kind = block.get("type")
    if kind not in _BLOCK_TYPES:
        found.append(f"[ERROR] unsupported type `{kind}` [json-pointer:{where}/type]")
        return
    _too_long(found, block.get("block_id"), 255, f"{where}/block_id")
    if kind == "section":
        text = _text_of(block.get("text"))
        fields = block.get("fields") or []
        if text is None and not fields:
            found.append(f"[ERROR] must provide `text` or `fields` [json-pointer:{where}]")
        _too_long(found, text, 3000, f"{where}/text/text")
        if len(fields) > 10:
            found.append(f"[ERROR] no more than 10 items allowed [json-pointer:{where}/fields]")
        for i, f in enumerate(fields):
            _too_long(found, _text_of(f), 2000, f"{where}/fields/{i}/text")
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            _element_errors(accessory, f"{where}/accessory", found)
    elif kind == "header":
        _too_long(found, _text_of(block.get("text")), 150, f"{where}/text/text")
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > 10:
            found.append(f"[ERROR] must have 1 to 10 items [json-pointer:{where}/elements]")
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > 25:
            found.append(f"[ERROR] must have 1 to 25 items [json-pointer:{where}/elements]")
        for i, element in enumerate(elements):
            _element_errors(element, f"{where}/elements/{i}", found)
    elif kind == "input":
        _too_long(found, _text_of(block.get("label")), 2000, f"{where}/label/text")
        element = block.get("element")
        if not isinstance(element, dict):
            found.append(f"[ERROR] missing required field: element [json-pointer:{where}]")
        else:
            _element_errors(element, f"{where}/element", found)


def block_errors(blocks: object, *, limit: int) -> list[str]:
    """What Slack finds wrong with `blocks` (a message: `limit` 50; a view: 100)."""
    if not isinstance(blocks, list):
        return ["[ERROR] must be an array [json-pointer:/blocks]"]
    found: list[str] = []
    if len(blocks) > limit:
        found.append(f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            found.append(f"[ERROR] must be an object [json-pointer:/blocks/{i}]")
            continue
        _block_errors(block, f"/blocks/{i}", found)
    return found


def view_errors(view: dict[str, Any], *, kind: str) -> list[str]:
    """What Slack finds wrong with a view it was asked to open (`modal`) or publish (`home`)."""
    found: list[str] = []
    if view.get("type") != kind:
        found.append(f"[ERROR] must be `{kind}` [json-pointer:/view/type]")
    blocks = view.get("blocks")
    found += [
        e.replace("json-pointer:", "json-pointer:/view") for e in block_errors(blocks, limit=100)
    ]
    _too_long(found, view.get("callback_id"), 255, "/view/callback_id")
    _too_long(found, view.get("private_metadata"), 3000, "/view/private_metadata")
    if kind != "modal":
        return found
    for name in ("title", "submit", "close"):
        part = view.get(name)
        if part is None:
            if name == "title":
                found.append("[ERROR] missing required field: title [json-pointer:/view]")
            continue
        if not isinstance(part, dict) or part.get("type") != "plain_text":
            found.append(f"[ERROR] must be a plain_text object [json-pointer:/view/{name}]")
            continue
        _too_long(found, part.get("text"), 24, f"/view/{name}/text")
    has_inputs = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_inputs and view.get("submit") is None:
        found.append("[ERROR] must provide `submit` with input blocks [json-pointer:/view]")
    return found


# Not in the documentation: Slack refuses a message whose blocks carry more than about
# 13,200 characters of text in all with `msg_blocks_too_long`, even when every block is
# within its own limit (observed and reported in
# https://github.com/slackapi/bolt-js/issues/2509: 13,297 characters of markdown blocks,
# fewer with a divider). The fake refuses from the lower observed bound.
MAX_BLOCKS_TEXT = 13_172


def blocks_text_length(value: object) -> int:
    """The characters of every `text` string in `value`'s blocks, nested ones included."""
    if isinstance(value, dict):
        own = value.get("text")
        length = len(own) if isinstance(own, str) else 0
        return length + sum(
            blocks_text_length(v) for k, v in value.items() if k != "text" or not isinstance(v, str)
        )
    if isinstance(value, list):
        return sum(blocks_text_length(v) for v in value)
    return 0
