"""Small talk that must never be answered with an FAQ entry ("hi", "thanks!", "are you a bot?")."""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from core.faq.model import SmallTalk
from core.faq.normalize import normalize_folded

# Whole phrases by kind, normalised and without diacritics (the input is folded the same way).
# The kind picks the reply: "thanks!" is answered with "you're welcome", not with "hello".
_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "greeting": """hi | hello | hey | hiya | howdy | yo | greetings | good morning
            | good afternoon | good evening | morning | evening | how are you | how are you doing
            | how is it going | how s it going | hows it going | what s up | whats up | sup
            | test | testing | ping""",
        "thanks": """thanks | thank you | thank u | thx | ty | tnx | cheers | many thanks
            | thanks a lot | much appreciated | appreciate it""",
        "farewell": """bye | goodbye | bye bye | see you | see ya | cya | later | good night
            | have a nice day""",
        "ack": """ok | okay | k | kk | cool | great | nice | awesome | perfect | got it | understood
            | sure | fine | yes | yeah | yep | no | nope | lol | haha | hehe""",
        "about_bot": """who are you | what are you | are you a bot | are you a robot | are you human
            | are you a human | are you real | are you a person | is this a bot
            | am i talking to a bot | what is your name | what s your name | whats your name
            | what can you do | help""",
    },
    "pl": {
        "greeting": """czesc | hej | hejka | siema | siemka | witam | witaj | dzien dobry
            | dobry wieczor | elo | jak sie masz | co slychac | co tam | jak leci | test""",
        "thanks": """dzieki | dziekuje | dziekuje bardzo | dzieki wielkie | wielkie dzieki
            | dziekuje slicznie""",
        "farewell": "dobranoc | pa | papa | do widzenia | na razie | do zobaczenia | milego dnia",
        "ack": """ok | okej | okay | spoko | super | swietnie | dobrze | jasne | rozumiem | tak
            | nie""",
        "about_bot": """kim jestes | czym jestes | czy jestes botem | jestes botem
            | czy jestes robotem | jestes robotem | czy jestes czlowiekiem | jestes czlowiekiem
            | czy to bot | czy rozmawiam z botem | jak masz na imie | jak sie nazywasz
            | co potrafisz | co umiesz | pomocy | pomoc""",
    },
    "ru": {
        "greeting": """привет | приветик | здравствуйте | здравствуй | здрасте | добрый день
            | доброе утро | добрый вечер | хай | салют | как дела | как ты | как поживаешь
            | что нового | тест""",
        "thanks": "спасибо | спасибо большое | большое спасибо | спс | благодарю",
        "farewell": "пока | до свидания | всего доброго | хорошего дня | спокойной ночи",
        "ack": "ок | окей | ладно | хорошо | отлично | понятно | ясно | супер | да | нет",
        "about_bot": """кто ты | кто вы | ты бот | вы бот | это бот | ты робот | вы робот
            | ты человек | вы человек | я говорю с ботом | как тебя зовут | как вас зовут
            | что ты умеешь | что вы умеете | помогите | помощь""",
    },
}
# Which kind a message of several answers to: "hi, are you a bot?" asks about the bot,
# "ok thanks, bye" thanks.
_PRECEDENCE: tuple[SmallTalk, ...] = ("about_bot", "thanks", "farewell", "greeting", "ack")
# Words that may surround small talk without making it a question ("hi there", "thanks so much").
_FILLER = """there all everyone guys folks team bot again so very much a lot please pls plz
    really just you too u wszystkim wszystkim bardzo wielkie prosze ci wam jeszcze raz tobie
    вам тебе всем очень еще раз пожалуйста бот ну ну"""


def is_chit_chat(folded: str) -> bool:
    """True when a normalised, diacritics-folded text is only small talk and filler words.

    "hi, my VPN is down" is not: it carries a question after the greeting.
    """
    return small_talk_kind(folded) is not None


def small_talk_kind(folded: str) -> SmallTalk | None:
    """What a normalised, diacritics-folded text of only small talk is (None: it is more)."""
    words = folded.split()
    if not words:
        return None
    phrases, filler = _lexicon()
    kinds: set[SmallTalk] = set()
    position = 0
    while position < len(words):
        if words[position] in filler:
            position += 1
            continue
        for length in range(min(4, len(words) - position), 0, -1):
            kind = phrases.get(tuple(words[position : position + length]))
            if kind is not None:
                kinds.add(kind)
                position += length
                break
        else:
            return None
    return _first_of(kinds)


def _first_of(kinds: set[SmallTalk]) -> SmallTalk | None:
    return next((kind for kind in _PRECEDENCE if kind in kinds), None)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[tuple[str, ...], SmallTalk], frozenset[str]]:
    phrases: dict[tuple[str, ...], SmallTalk] = {}
    for by_kind in _PHRASES.values():
        for kind, block in by_kind.items():
            for phrase in block.split("|"):
                if phrase.strip():
                    phrases[tuple(phrase.split())] = cast(SmallTalk, kind)
    return phrases, frozenset(_FILLER.split())


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\s*\n+\s*")
_CLAUSE_END = re.compile(r"(?<=[,:—-])\s+")
MAX_PARTS = 4  # longer messages are scored whole and by their first sentences
MIN_PART_WORDS = 3


@dataclass(frozen=True)
class MessageParts:
    """A message with its small talk taken out: what is left to match, and its sentences."""

    question: str  # the message without greetings, thanks and sign-offs
    parts: tuple[str, ...]  # its sentences, when there are several worth scoring alone
    small_talk: SmallTalk | None = None  # what the small talk taken out was, by precedence

    @property
    def only_chit_chat(self) -> bool:
        return not self.question


def split_message(text: str) -> MessageParts:
    """Drop sentences and leading/trailing clauses that are only small talk.

    "Hi team, my VPN drops every hour. Thanks, Anna" -> "my VPN drops every hour." A short
    last piece after a dropped thanks or goodbye is a signature and goes with it.
    """
    sentences: list[str] = []
    kinds: set[SmallTalk] = set()

    def small_talk(clause: str) -> bool:
        kind = small_talk_kind(normalize_folded(clause))
        if kind is not None:
            kinds.add(kind)
        return kind is not None

    dropped_last = False
    for sentence in _SENTENCE_END.split(text.strip()):
        clauses = [c for c in _CLAUSE_END.split(sentence.strip()) if c.strip()]
        while clauses and small_talk(clauses[0]):
            clauses.pop(0)
            dropped_last = True
        if clauses and dropped_last and _signature(clauses) and not sentences:
            clauses = []
        while clauses and small_talk(clauses[-1]):
            clauses.pop()
        if clauses:
            sentences.append(" ".join(clauses))
            dropped_last = False
        else:
            dropped_last = True
    if len(sentences) > 1 and dropped_last is False and _signature([sentences[-1]]):
        before = " ".join(sentences[:-1])
        if _ends_with_chit_chat(text, sentences[-1]):
            sentences = [before]
    question = " ".join(sentences)
    long_enough = [s for s in sentences if len(s.split()) >= MIN_PART_WORDS]
    parts = tuple(long_enough[:MAX_PARTS]) if len(long_enough) > 1 else ()
    return MessageParts(question, parts, _first_of(kinds))


def _signature(clauses: list[str]) -> bool:
    """One or two capitalised words: a name under a message ("Anna", "Jan K.")."""
    words = " ".join(clauses).split()
    return 1 <= len(words) <= 2 and all(w[:1].isupper() for w in words) and "?" not in words[-1]


def _ends_with_chit_chat(text: str, last: str) -> bool:
    """Whether small talk comes right before the message's last piece ("thanks, Anna")."""
    head = text[: text.rfind(last)].rstrip(" ,\n")
    tail = _CLAUSE_END.split(_SENTENCE_END.split(head)[-1])[-1] if head else ""
    return bool(tail) and is_chit_chat(normalize_folded(tail))
