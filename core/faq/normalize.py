"""Text normalisation shared by indexing and querying, so both sides always agree."""

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")
# Letters that do not decompose under NFKD but that people type without their mark.
_EXTRA_FOLDS = {"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}


def normalize(text: str) -> str:
    """NFKC, casefold, Russian ё -> е, punctuation -> space, single spaces. Keeps diacritics.

    Diacritics are kept here because the Polish lemmatiser needs them; ``fold`` drops them.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """Drop diacritics from Latin letters (zażółć -> zazolc); Cyrillic is left alone

    (folding й -> и would merge distinct Russian words).
    """
    if text.isascii():
        return text
    return text.translate(_latin_fold_table())


def normalize_folded(text: str) -> str:
    return fold(normalize(text))


def words(text: str) -> list[str]:
    """Tokens of an already normalised text."""
    return text.split()


@lru_cache(maxsize=1)
def _latin_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):  # Latin-1 Supplement .. Latin Extended-B
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base != char and base.isascii():
            table[code] = base
    for char, base in _EXTRA_FOLDS.items():
        for variant in {char, char.upper()}:
            if len(variant) == 1:  # "ß".upper() is "SS"
                table[ord(variant)] = base
    return table
