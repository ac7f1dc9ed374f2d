"""The knowledge base: typed facts with provenance, loaded from knowledge/*.yaml."""
from ..datafiles.errors import KnowledgeError
from .base import KnowledgeBase
from .loader import load_knowledge
from .models import Conflict, Fact, Product, Source, SourceRef

__all__ = ["Conflict", "Fact", "KnowledgeBase", "KnowledgeError", "Product", "Source", "SourceRef", "load_knowledge"]
