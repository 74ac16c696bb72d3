"""What the desk uses: the current matcher for a directory, rebuilt when its files change."""

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from core.faq.classifier import FittedClassifiers
from core.faq.confidence import TrainedScorer
from core.faq.embedder import CachedEmbedder, Embedder, EnglishModel, load_embedder
from core.faq.kb import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from core.faq.layout import fingerprint
from core.faq.learned import LearnedPhrasing, surer_of, with_learned
from core.faq.matcher import FaqMatcher
from core.faq.model import FaqEntry, SearchResult
from core.faq.thresholds import Thresholds, ThresholdsError, default_thresholds, load_thresholds
from core.faq.train import kb_fingerprint, load_or_train, read_model, train_and_store

log = logging.getLogger(__name__)

SemanticMode = bool | Literal["auto", "on", "off"]
NEVER = math.inf  # an answer threshold no score reaches: suggestions only
Job = Callable[[], None]
RunElsewhere = Callable[[Job], None]
"""Runs a job off the serving path; ``in_background`` is the running bot's."""


def in_background(job: Job) -> None:
    """``job`` (a reload or a training) on a daemon thread: stopping the bot does not wait for
    a training to end (the model file is replaced atomically, so an interrupted training
    leaves the old one)."""
    threading.Thread(target=job, name="faq-background", daemon=True).start()


def _choose_embedder(
    semantic: SemanticMode, given: Embedder | None, english: EnglishModel
) -> Embedder | None:
    if semantic in (False, "off"):
        return None
    if given is not None:
        return given if isinstance(given, CachedEmbedder) else CachedEmbedder(given)
    embedder = load_embedder(english)
    if embedder is None and semantic in (True, "on"):
        raise RuntimeError("semantic FAQ matching is on, but the embedder cannot load")
    return embedder


@dataclass(frozen=True)
class _Snapshot:
    stamp: tuple[tuple[str, int, int], ...]
    files: KnowledgeBase  # as written in the files; the trained model's fingerprint is of it
    kb: KnowledgeBase  # the files' entries with the learned phrasings among their questions
    matcher: FaqMatcher
    # the matcher over ``files`` alone, when learned phrasings make ``kb`` differ from it
    files_matcher: FaqMatcher | None = None

    def files_only(self) -> FaqMatcher | None:
        """The matcher over the files alone, if this snapshot has one."""
        return self.matcher if self.kb is self.files else self.files_matcher

    def prefetch(self, queries: Sequence[str], lang: str | None) -> None:
        """Embed what searching ``queries`` will embed, in one batch per matcher (each spells
        a question with its own knowledge base's words)."""
        for matcher in (self.matcher, self.files_matcher):
            if matcher is not None:
                matcher.prefetch(queries, lang)

    def search(self, query: str, lang: str | None) -> SearchResult:
        result = self.matcher.search(query, lang)
        if self.files_matcher is not None:
            result = surer_of(result, self.files_matcher.search(query, lang))
        if result.decision == "answer" and self.matcher.nearer_a_miss(
            query, result.lang, result.results[0].entry_id
        ):
            # Asked before and the answer did not help: offer the entry among others.
            return replace(result, decision="suggest")
        return result


class FaqService:
    """Owns a KnowledgeBase + FaqMatcher for ``root`` and swaps them when files change.

    Changes are noticed by a stat() sweep at most every ``check_interval`` seconds, on
    the calling thread, so there is no watcher thread to start or stop; the rebuild runs
    there too, or through ``train_with`` (see ``__init__``). A knowledge base that fails
    to load at start raises; one that breaks later is logged and the last good snapshot
    keeps serving.
    """

    def __init__(
        self,
        root: Path,
        default_lang: str,
        *,
        check_interval: float = 1.0,
        semantic: SemanticMode = False,
        embedder: Embedder | None = None,
        english_model: EnglishModel = "minilm",
        train_with: RunElsewhere | None = None,
    ) -> None:
        """``semantic``: True/"on" needs the embedder, "auto" falls back to lexical matching
        when it cannot load, False/"off" stays lexical. ``embedder`` replaces the bundled one;
        ``english_model`` chooses the bundled one's English model.

        ``train_with``: where to reload and retrain when the knowledge base's files changed
        (seconds and minutes on a large one). None: right there, the search that noticed the
        change waiting for it (one-shot commands, whose answers must come from the new
        files and model). Given: questions keep the previous snapshot until the changed
        files are indexed, and the previous model judges them until the new one is
        trained; a knowledge base never trained before gets suggestions, never a direct
        answer, until its first model is ready. Only the first load happens right there.
        """
        self.root = root
        self.default_lang = default_lang
        self.check_interval = check_interval
        self._embedder = _choose_embedder(semantic, embedder, english_model)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._failed_stamp: tuple[tuple[str, int, int], ...] | None = None
        self._checked_at = 0.0
        self._learned: tuple[LearnedPhrasing, ...] = ()
        self._classifiers = FittedClassifiers()
        self._train_with = train_with
        self._to_train: KnowledgeBase | None = None  # the newest files waiting for a model
        self._training: str | None = None  # fingerprint of the files being trained, if any
        # Held while a reload waits or runs elsewhere (``train_with``): one at a time.
        self._refreshing = threading.Lock()
        self._untrainable: str | None = None  # fingerprint of files too small to train on

    @property
    def scorer(self) -> str:
        """The untrained scorer; ``matcher.scorer`` says "trained" once a model is in use."""
        return "semantic" if self._embedder is not None else "lexical"

    def _train(self, kb: KnowledgeBase, current: "_Snapshot | None") -> TrainedScorer | None:
        """The knowledge base's model: kept when its texts did not change, else retrained,
        right here or (``train_with``) elsewhere while the previous model stands in."""
        if self._embedder is None:
            return None
        wanted = kb_fingerprint(kb, self._embedder)
        previous = current.matcher.trained if current is not None else None
        # Learned phrasings do not retrain: they join the index the model scores.
        if previous is not None and previous.fingerprint == wanted:
            return previous
        if self._train_with is None:
            return load_or_train(self.root, kb, self._embedder, self._classifiers)
        stored = read_model(self.root, self._embedder, self._classifiers)
        if stored is not None and stored.fingerprint == wanted:
            return stored
        if wanted == self._untrainable:
            return None
        stand_in = previous or stored
        if wanted != self._training:
            self._to_train = kb
            if self._training is None:
                self._training = wanted
                if stand_in is None:
                    log.warning(
                        "no FAQ model for %s yet: suggesting entries, never answering directly, "
                        "until it is trained (`helpdesk faq train` does it ahead of a start)",
                        self.root,
                    )
                else:
                    log.info(
                        "FAQ texts changed: the previous model answers until a new one is trained"
                    )
                self._train_with(self._train_waiting)
        return stand_in

    def _waiting_for_a_first_model(self, trained: TrainedScorer | None) -> bool:
        """No model to judge with, and one on its way (for these files or, edited meanwhile,
        for earlier ones: these are trained next)."""
        return trained is None and self._training is not None

    def _train_waiting(self) -> None:
        """Train the newest files waiting for a model, and put each model to use when it is
        still of the files served; until none is waiting (an edit during a training queues
        its files behind it)."""
        assert self._embedder is not None
        while True:
            with self._lock:
                files, self._to_train = self._to_train, None
                if files is None:
                    self._training = None
                    return
                self._training = wanted = kb_fingerprint(files, self._embedder)
            try:
                # Its own classifiers: the serving matcher's cache is not shared across threads.
                trained = train_and_store(self.root, files, self._embedder, FittedClassifiers())
                if trained is None:  # too small to hold anything out: the untrained scorer
                    self._untrainable = wanted
                self._put_to_use(wanted, trained)
            except Exception:  # the previous model keeps answering; the next edit retries
                log.exception("training the FAQ model failed; the previous model stays in use")

    def _put_to_use(self, trained_on: str, trained: TrainedScorer | None) -> None:
        """Install ``trained`` if the files served are still those it was trained on (their
        ``kb_fingerprint`` is ``trained_on``)."""
        assert self._embedder is not None
        with self._lock:
            current = self._snapshot
            if current is None:
                return
            if kb_fingerprint(current.files, self._embedder) != trained_on:
                return  # edited again meanwhile: its own training follows
            self._snapshot = self._assemble(current.stamp, current.files, current, trained)
        if trained is not None and current.matcher.trained is None:
            # The end of what the "no FAQ model yet" warning announced, at the same level.
            log.warning("FAQ model for %s trained: answering directly again", self.root)
        else:
            log.info("FAQ model retrained for %s and in use", self.root)

    @property
    def kb(self) -> KnowledgeBase:
        return self._current().kb

    @property
    def matcher(self) -> FaqMatcher:
        return self._current().matcher

    def search(self, query: str, lang: str | None = None) -> SearchResult:
        return self._current().search(query, lang)

    def search_many(self, queries: Sequence[str], lang: str | None = None) -> list[SearchResult]:
        """``search`` of each query, their embeddings computed together in one batch."""
        snapshot = self._current()
        snapshot.prefetch(queries, lang)
        return [snapshot.search(query, lang) for query in queries]

    async def search_async(self, query: str, lang: str | None = None) -> SearchResult:
        """``search`` on a worker thread: embedding a query takes tens of milliseconds of CPU,
        which must not stall the event loop."""
        return await asyncio.to_thread(self.search, query, lang)

    def entry(self, entry_id: str, lang: str) -> FaqEntry | None:
        return self._current().kb.get(entry_id, lang)

    def entries(self, lang: str) -> Sequence[FaqEntry]:
        return self._current().kb.entries(lang)

    @property
    def learned(self) -> tuple[LearnedPhrasing, ...]:
        return self._learned

    def set_learned(self, phrasings: Sequence[LearnedPhrasing]) -> bool:
        """Index these phrasings (all of them, replacing the previous set) as extra questions
        of their entries; True when the matcher was rebuilt."""
        learned = tuple(dict.fromkeys(phrasings))
        with self._lock:
            if learned == self._learned and self._snapshot is not None:
                return False
            self._learned = learned
            current = self._snapshot
            if current is None:
                self._reload_locked(force=True)
            else:
                self._snapshot = self._build(current.stamp, current.files, current)
        return True

    def learn(self, phrasing: LearnedPhrasing) -> bool:
        """Add one phrasing to the learned set; True when it was new."""
        if phrasing in self._learned:
            return False
        return self.set_learned((*self._learned, phrasing))

    async def learn_async(self, phrasing: LearnedPhrasing) -> bool:
        """``learn`` on a worker thread: the new phrasing is embedded and the index rebuilt."""
        return await asyncio.to_thread(self.learn, phrasing)

    def reload(self) -> bool:
        """Rebuild now if the files changed; True when a new snapshot was installed."""
        with self._lock:
            return self._reload_locked(force=False)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        now = time.monotonic()
        elsewhere = self._train_with
        if snapshot is not None and elsewhere is not None:
            if now - self._checked_at >= self.check_interval:
                self._checked_at = now
                self._refresh_elsewhere(snapshot, elsewhere)
            return snapshot
        if snapshot is None or now - self._checked_at >= self.check_interval:
            with self._lock:
                self._checked_at = now
                self._reload_locked(force=self._snapshot is None)
            snapshot = self._snapshot
        assert snapshot is not None
        return snapshot

    def _refresh_elsewhere(self, snapshot: _Snapshot, elsewhere: RunElsewhere) -> None:
        """With ``train_with``, a changed folder is reloaded there too: rebuilding the index
        refits the entry classifiers (seconds), and questions keep the snapshot they have."""
        if fingerprint(self.root) == snapshot.stamp or not self._refreshing.acquire(False):
            return

        def refresh() -> None:
            try:
                self.reload()
            except Exception:  # the previous snapshot keeps serving; the next edit retries
                log.exception("reloading the FAQ failed")
            finally:
                self._refreshing.release()

        try:
            elsewhere(refresh)
        except BaseException:
            self._refreshing.release()
            raise

    def _reload_locked(self, *, force: bool) -> bool:
        stamp = fingerprint(self.root)
        current = self._snapshot
        if not force and current is not None and stamp == current.stamp:
            return False
        if current is not None and stamp == self._failed_stamp:
            return False  # already reported; wait for the next edit
        try:
            kb = load_knowledge_base(self.root)
            thresholds = load_thresholds(self.root, self.scorer)
            load_thresholds(self.root, "trained")  # a broken section fails here, not later
        except (KnowledgeBaseError, ThresholdsError) as exc:
            if current is None:
                raise
            self._failed_stamp = stamp
            log.error("FAQ reload failed, still serving the previous version: %s", exc)
            return False
        self._snapshot = self._build(stamp, kb, current, thresholds)
        self._failed_stamp = None
        if current is not None:
            log.info("FAQ reloaded from %s: %d entries", self.root, len(kb))
        return True

    def _build(
        self,
        stamp: tuple[tuple[str, int, int], ...],
        files: KnowledgeBase,
        current: "_Snapshot | None",
        thresholds: Thresholds | None = None,
    ) -> _Snapshot:
        """The matcher over ``files`` plus the learned phrasings."""
        trained = self._train(files, current)
        if self._waiting_for_a_first_model(trained):
            # Untrained scores say little about a knowledge base nobody tuned for: suggest.
            thresholds = replace(thresholds or self._untrained_thresholds(), answer=NEVER)
        return self._assemble(stamp, files, current, trained, thresholds)

    def _untrained_thresholds(self) -> Thresholds:
        return load_thresholds(self.root, self.scorer) or default_thresholds(self.scorer)

    def _assemble(
        self,
        stamp: tuple[tuple[str, int, int], ...],
        files: KnowledgeBase,
        current: "_Snapshot | None",
        trained: TrainedScorer | None,
        thresholds: Thresholds | None = None,
    ) -> _Snapshot:
        if trained is not None:
            thresholds = load_thresholds(self.root, "trained")
        elif thresholds is None:
            thresholds = load_thresholds(self.root, self.scorer)
        kb = with_learned(files, self._learned)

        def matcher_of(entries: KnowledgeBase) -> FaqMatcher:
            return FaqMatcher(
                entries,
                thresholds,
                default_lang=self.default_lang,
                embedder=self._embedder,
                trained=trained,
                classifiers=self._classifiers,
            )

        files_matcher: FaqMatcher | None = None
        # Only a trained model's confidence can fall as learned phrasings join (surer_of).
        if trained is not None and any(entry.learned for entry in kb.all_entries()):
            # It changes only with the files: reuse it as learned phrasings come and go.
            previous = None
            if (
                current is not None
                and current.files is files
                and current.matcher.trained is trained
            ):
                previous = current.files_only()
            files_matcher = previous or matcher_of(files)
        return _Snapshot(stamp, files, kb, matcher_of(kb), files_matcher)
