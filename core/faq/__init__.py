"""FAQ matching: the knowledge base on disk, its validation, and the matcher."""

from core.faq.kb import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from core.faq.model import Decision, FaqEntry, Match, SearchResult

__all__ = [
    "Decision",
    "FaqEntry",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Match",
    "SearchResult",
    "load_knowledge_base",
]
