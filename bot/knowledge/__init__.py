"""The knowledge base: typed facts with provenance, loaded from knowledge/*.yaml."""
from .base import KnowledgeBase
from .errors import KnowledgeError
from .loader import load_knowledge
from .models import Conflict, Fact, Product, Source, SourceRef

__all__ = ["Conflict", "Fact", "KnowledgeBase", "KnowledgeError", "Product", "Source", "SourceRef", "load_knowledge"]
