"""The engine: ``Engine.reply(session, text) -> Reply``. Synchronous, in memory, one per knowledge base. It only
wires: input limits, ``parse``, the dialogue's decision and reply, the session's context."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import figures, reuse
from .datafiles.errors import KnowledgeError
from .dialogue.compose import Composer
from .dialogue.context import SessionStore
from .dialogue.policy import Policy
from .dialogue.respond import EXAMPLE_QUESTIONS, Responder
from .inputs import rejected
from .knowledge import KnowledgeBase, load_knowledge
from .reply import Reply
from .understanding.intents import Intent, load_intents
from .understanding.parser import Understanding
from .understanding.tokenizer import Tokenizer, shared_tokenizer


@dataclass(frozen=True)
class Engine:
    """Knowledge, intents, understanding and dialogue of one load; sessions are shared across reloads."""

    kb: KnowledgeBase
    intents: tuple[Intent, ...]
    understanding: Understanding
    sessions: SessionStore
    composer: Composer
    policy: Policy
    responder: Responder

    # ---------------------------------------------------------------- public API
    def reply(self, session: str, text: str) -> Reply:
        """Answer one message of ``session``."""
        invalid = rejected(text)
        if invalid is not None:
            return invalid
        parse = self.understanding.parse(text)
        context = self.sessions.get(session)
        decision = self.policy.decide(parse, context)
        reply, kept = self.responder.respond(decision, parse, context)
        if kept is not context:
            self.sessions.put(session, kept)
        return reply

    def choose(self, session: str, intent: str, product: str | None) -> Reply:
        """Answer a suggestion or product button: ``intent`` for ``product`` with the session's slots."""
        if intent not in self.understanding.intents:
            return self.responder.choose_invalid()
        context = self.sessions.get(session)
        product = product if product and self.kb.has_product(product) else None
        reply, kept = self.responder.respond(self.policy.choose(intent, product, context), None, context)
        self.sessions.put(session, kept)
        return reply

    def explain(self, session: str, text: str) -> str:
        """Why ``text`` gets its reply: the parse, the scores and the decision with its reason (``ask --explain``)."""
        parse = self.understanding.parse(text)
        decision = self.policy.decide(parse, self.sessions.get(session))
        e = parse.entities
        lines = [f"text:       {text}", f"normalized: {parse.folded}", f"residue:    {parse.residue!r}",
                 f"products:   {list(e.products)}   others: {list(e.others)}   outside: {list(e.outside)}",
                 f"slots:      {e.slots()}", f"unknown:    {parse.unknown:.0%} of the word weight",
                 "candidates (score 0–100, best example):"]
        lines += [f"  {c.intent:<20}{c.score:6.1f}  {c.example}" for c in parse.candidates]
        if parse.passed_over:
            lines.append(f"passed over: {', '.join(parse.passed_over)} (scored first; none of the words it requires)")
        lines.append(f"decision:   {decision.kind} {decision.intent or ''} (score {decision.score:.1f}) — "
                     f"{decision.reason}")
        reply = self.reply(session, text)
        lines.append(f"reply:      kind={reply.kind} intent={reply.intent} products={list(reply.products)}"
                     f" also={list(reply.also)}")
        return "\n".join(lines) + "\n\n" + reply.text

    def chart(self, spec: str) -> figures.Chart:
        """The chart or schedule an answer's ``figure`` spec describes (ValueError/KeyError when it no longer can)."""
        return figures.chart(spec, self.composer.name, lambda pid: self.kb.daily_rates(pid)[0])

    def catalog(self) -> dict[str, str]:
        """Fingerprints of facts, products, conflicts, sources and intents (for reload reports)."""
        out = self.kb.catalog()
        for source in self.kb.sources:  # titles are shown in every citation
            out[f"source:{source.id}"] = source.fingerprint()
        for intent in self.intents:
            out[f"intent:{intent.id}"] = intent.fingerprint()
        return out

    def product_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.kb.loan_products}

    def overview_intent(self) -> str:
        """The intent that introduces one product (the /products buttons)."""
        return self.policy.overview

    def intent_titles(self) -> dict[str, str]:
        """Intent id -> human-readable title (``zhima_requirement`` -> ``芝麻分要求``)."""
        return {i.id: i.title for i in self.intents}

    def example_questions(self) -> list[str]:
        return list(EXAMPLE_QUESTIONS)

    def help_text(self) -> str:
        return self.responder.help_text()


def check_references(kb: KnowledgeBase, intents: tuple[Intent, ...]) -> None:
    """Intents may only name products the knowledge base has (``references``); raise KnowledgeError otherwise."""
    problems = [f"intents: {i.id}: references: 未知的产品 {r!r}（已知：{', '.join(p.id for p in kb.products)}）"
                for i in intents for r in i.references if not kb.has_product(r)]
    if problems:
        raise KnowledgeError(problems)


def build_engine(knowledge_dir: Path, intents_dir: Path, previous: Engine | None = None,
                 tokenizer: Tokenizer | None = None) -> Engine:
    """Load and validate both folders and build an engine; raises KnowledgeError on any problem.

    ``previous`` hands over the session contexts (and jieba is never loaded twice); what it built from files
    that did not change is taken over (bot/reuse.py): the same files rebuild nothing.
    """
    tokenizer = tokenizer or shared_tokenizer()
    prints, before = reuse.prints_of(Path(knowledge_dir), Path(intents_dir)), reuse.built_from(previous)
    if previous is not None and before == prints and previous.understanding.tokenizer is tokenizer:
        return replace(previous)  # the same files: nothing to rebuild
    same_kb = previous is not None and before is not None and before.knowledge == prints.knowledge
    kb = previous.kb if same_kb and previous is not None else load_knowledge(Path(knowledge_dir))
    same_intents = previous is not None and before is not None and before.intents == prints.intents
    intents = previous.intents if same_intents and previous is not None else load_intents(Path(intents_dir))
    check_references(kb, intents)
    understanding = Understanding(kb, intents, tokenizer)
    reuse.remember(understanding, prints)
    sessions = previous.sessions if previous is not None else SessionStore()
    composer = Composer(kb, understanding.intents)
    references = frozenset(p.id for p in kb.products if p.kind == "reference")
    generic = frozenset(p.id for p in kb.products if p.generic)
    policy = Policy(understanding.intents, understanding.parse, composer.covers, understanding.relevant, references,
                    generic)
    return Engine(kb=kb, intents=intents, understanding=understanding, sessions=sessions, composer=composer,
                  policy=policy, responder=Responder(kb, understanding.intents, composer))
