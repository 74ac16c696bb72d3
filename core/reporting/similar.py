"""Unanswered questions grouped by similarity: one line per thing people keep asking."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

# Two questions whose words mostly overlap (token set ratio, 0-100) are one group.
SAME_QUESTION = 75.0


@dataclass
class QuestionGroup:
    example: str  # the first way it was asked
    count: int
    key: str


def _key(text: str) -> str:
    return " ".join(text.lower().split()).strip(" ?!.,;:")


def group_similar(texts: list[str], limit: int = 10) -> list[QuestionGroup]:
    """Groups, most asked first (ties: first asked first), at most `limit`."""
    groups: list[QuestionGroup] = []
    for text in texts:
        key = _key(text)
        if not key:
            continue
        for group in groups:
            if group.key == key or fuzz.token_set_ratio(group.key, key) >= SAME_QUESTION:
                group.count += 1
                break
        else:
            groups.append(QuestionGroup(example=" ".join(text.split()), count=1, key=key))
    ordered = sorted(enumerate(groups), key=lambda pair: (-pair[1].count, pair[0]))
    return [group for _, group in ordered[:limit]]
