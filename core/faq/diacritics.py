"""Put back the diacritics a person left out, from the knowledge base's own words.

"musze zresetowac haslo" is how many Polish speakers type on a phone; the embedders read it
less well than "muszę zresetować hasło". Every word the knowledge base writes with
diacritics is indexed by its folded form, and a query word typed in that folded form gets
the knowledge base's most frequent spelling back. Words the knowledge base does not use,
and words whose plain spelling the knowledge base uses more often than any spelling with
diacritics (a word of its own: "las" beside "łaś"), stay as typed.
"""

import re
from collections import Counter
from collections.abc import Iterable

from core.faq.normalize import fold

_WORD = re.compile(r"\w+")


class DiacriticRestorer:
    def __init__(self, texts: Iterable[str]) -> None:
        spellings: dict[str, Counter[str]] = {}
        for text in texts:
            for word in _WORD.findall(text.casefold()):
                spellings.setdefault(fold(word), Counter())[word] += 1
        self._restore: dict[str, str] = {}
        for folded, counts in spellings.items():
            best, times = counts.most_common(1)[0]
            if best != folded and times > counts[folded]:
                self._restore[folded] = best

    def restore(self, text: str) -> str:
        """``text`` with each word the knowledge base spells with diacritics spelled so."""
        if not self._restore:
            return text

        def spelled(match: re.Match[str]) -> str:
            word = match.group(0)
            found = self._restore.get(word.casefold())
            if found is None:
                return word
            return found.capitalize() if word[:1].isupper() else found

        return _WORD.sub(spelled, text)
