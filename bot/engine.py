"""The engine: ``Engine.reply(session, text) -> Reply``. Synchronous, in memory, one per knowledge base."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .dialogue.answers import Composer
from .dialogue.conditions import parse_stated
from .dialogue.context import Context, SessionStore
from .dialogue.policy import CONFIDENT_SCORE, FOLLOW_UP_RESIDUE, INTENT_SLOTS, Decision, decide
from .dialogue.slots import Slots
from .knowledge import KnowledgeBase, load_knowledge
from .reply import Reply, Suggestion
from .understanding.intents import Intent, load_intents
from .understanding.normalize import has_meaning
from .understanding.parser import Parse, Understanding
from .understanding.tokenizer import Tokenizer, shared_tokenizer

MAX_QUESTION_CHARS = 500
SMALLTALK = {"greeting", "thanks", "help"}
# Intents that ask back which product when none is named (a list of all products would be too long).
ASK_PRODUCT = {"product_overview", "installment"}
_ADVICE = re.compile(r"该借|借哪|选哪|哪个好|哪个划算|推荐|建议|值得借|要不要借|借不借")
_SLOT_NAMES = ("amount", "days", "months", "overdue_days", "repay_day", "score")


@dataclass(frozen=True)
class Engine:
    """Knowledge, intents and understanding of one load; sessions are shared across reloads."""

    kb: KnowledgeBase
    intents: tuple[Intent, ...]
    understanding: Understanding
    sessions: SessionStore
    composer: Composer

    # ---------------------------------------------------------------- public API
    def reply(self, session: str, text: str) -> Reply:
        """Answer one message of ``session``."""
        text = text if isinstance(text, str) else ""
        if not text.strip():
            return Reply("请直接输入你想问的问题，比如：“微粒贷要芝麻分吗”。", kind="invalid")
        if len(text) > MAX_QUESTION_CHARS:
            return Reply(f"问题有点长（{len(text)}个字）。请把问题精简到{MAX_QUESTION_CHARS}字以内，"
                         "一次问一件事，比如：“借呗借一万用30天多少利息”。", kind="invalid")
        parse = self.understanding.parse(text)
        if not has_meaning(parse.folded):
            return self._not_understood(session, text)
        if self._only_outside(parse):
            return self._not_covered(parse)
        context = self.sessions.get(session)
        intent, confidence, decision = self._intent(parse, context)
        if intent is None:
            if decision.kind == "suggest":
                return self._suggest(session, parse, context, decision)
            return self._not_understood(session, text)
        return self._answer(session, intent, parse, context, confidence)

    def choose(self, session: str, intent: str, product: str | None) -> Reply:
        """Answer a suggestion or product button: ``intent`` for ``product`` with the session's slots."""
        if intent not in self.understanding.intents:
            return Reply("这个选项已经失效了，请重新提问。", kind="invalid")
        context = self.sessions.get(session)
        products = (product,) if product and self.kb.has_product(product) else ()
        return self._respond(session, intent, products, self._slots(context), context, 1.0, "")

    def catalog(self) -> dict[str, str]:
        """Fingerprints of facts, products, conflicts, sources and intents (for reload reports)."""
        out = self.kb.catalog()
        for source in self.kb.sources:  # titles are shown in every citation
            blob = json.dumps(source.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
            out[f"source:{source.id}"] = hashlib.sha1(blob.encode()).hexdigest()[:12]
        for intent in self.intents:
            out[f"intent:{intent.id}"] = str(hash((intent.title, intent.product_scope, intent.keywords,
                                                   intent.examples)) & 0xFFFFFFFFFFFF)
        return out

    def product_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.kb.loan_products}

    def intent_titles(self) -> dict[str, str]:
        """Intent id -> human-readable title (``zhima_requirement`` -> ``芝麻分要求``)."""
        return {i.id: i.title for i in self.intents}

    def example_questions(self) -> list[str]:
        return ["微粒贷要芝麻分吗", "WE2000提前还款收费吗", "借呗借一万五用30天多少利息", "微粒贷最高能借多少",
                "借呗逾期10天罚息多少", "微粒贷借2万分12期每月还多少", "微信和芝麻信用是什么关系", "借呗和微粒贷有什么区别"]

    def help_text(self) -> str:
        topics = "、".join(i.title for i in self.intents if i.product_scope != "none")
        products = "、".join(p.name for p in self.kb.loan_products)
        examples = "\n".join(f"• {q}" for q in self.example_questions())
        return (f"我可以根据两份公开资料，回答关于{products}的问题：{topics}。\n"
                f"也能帮你算利息、罚息、提前还款和分期的费用。直接用中文提问就行，比如：\n{examples}\n\n"
                "我提供的是一般信息，不构成财务建议。")

    # ---------------------------------------------------------------- understanding → intent
    def _intent(self, parse: Parse, context: Context) -> tuple[str | None, float, Decision]:
        ranked = [(c.intent, c.score) for c in parse.candidates]
        e = parse.entities
        slots = set(e.slots())
        named = bool(e.products or e.others)
        decision = decide(ranked, domain=named or context.intent is not None, unknown=parse.unknown, named=named)
        if context.intent and self._follows_up(parse, context, slots, decision):
            return context.intent, 0.9, decision  # 那借呗呢 / 如果借2万呢 / 60天呢
        if not parse.residue and not e.products and not context.intent:
            return None, 0.0, Decision("none", None, 0.0)  # a bare number with nothing to refer to
        if decision.kind == "answer":
            return decision.intent, decision.confidence, decision
        if not parse.residue and e.products:
            return "product_overview", 0.7, decision  # a bare product name
        return None, decision.confidence, decision

    @staticmethod
    def _follows_up(parse: Parse, context: Context, slots: set[str], decision: Decision) -> bool:
        """A short message that only changes a product, amount or term of the previous question."""
        if not (parse.entities.products or slots) or len(parse.residue) > FOLLOW_UP_RESIDUE:
            return False
        if slots and not slots <= INTENT_SLOTS.get(context.intent or "", frozenset()):
            return False  # 借1万用30天呢 after a rate question is a new, calculating question
        return not parse.residue or decision.kind != "answer" or decision.confidence * 100 < CONFIDENT_SCORE

    # ---------------------------------------------------------------- replies
    def _answer(self, session: str, intent: str, parse: Parse, context: Context, confidence: float) -> Reply:
        spec = self.understanding.intents[intent]
        products = parse.entities.products
        follow_up = intent == context.intent
        if not products and spec.product_scope == "per_product" and context.products:
            products = context.products if (follow_up or parse.entities.slots() or len(context.products) == 1) else ()
        if not products and intent == "compare" and len(context.products) >= 2:
            products = context.products  # 哪个利息更低 right after comparing two products
        slots = self._slots(context if follow_up else Context(), parse)
        if _ADVICE.search(parse.folded):
            slots = Slots(**{**slots.__dict__, "advice": True})
            if intent not in SMALLTALK:
                intent = "compare" if len(products) != 1 else intent
        if stated := parse_stated(parse.folded):
            slots = Slots(**{**slots.__dict__, "stated": stated})  # 实名4个月, 每周3笔 … for a verdict
        return self._respond(session, intent, products, slots, context, confidence, parse.folded)

    def _respond(self, session: str, intent: str, products: tuple[str, ...], slots: Slots, context: Context,
                 confidence: float, folded: str) -> Reply:
        spec = self.understanding.intents[intent]
        remembered = context.with_(intent=intent, products=products or context.products,
                                   **{n: getattr(slots, n) for n in _SLOT_NAMES})
        self.sessions.put(session, remembered)
        if intent in SMALLTALK:
            return Reply(self._smalltalk(intent), kind="smalltalk", intent=intent, confidence=confidence)
        if spec.product_scope == "per_product" and not products and intent in ASK_PRODUCT:
            buttons = tuple(Suggestion(f"{p.name}的{spec.title}", intent, p.id) for p in self.kb.loan_products)
            self.sessions.put(session, remembered.with_(suggestions=tuple((s.intent, s.product) for s in buttons)))
            return Reply(f"你想了解哪个产品的{spec.title}？点下面的按钮或直接回复产品名。", kind="clarify",
                         intent=intent, confidence=confidence, suggestions=buttons)
        composed = self.composer.compose(intent, products, slots, spec.title)
        return Reply(kind="answer", intent=intent, products=products if spec.product_scope != "none" else (),
                     confidence=confidence, **composed.fields())  # type: ignore[arg-type]

    def _suggest(self, session: str, parse: Parse, context: Context, decision: Decision) -> Reply:
        product = (parse.entities.products or context.products or (None,))[0]
        options = []
        for candidate in parse.candidates[:3]:
            if candidate.score < decision.confidence * 100 - 15 or candidate.intent in SMALLTALK:
                continue
            spec = self.understanding.intents[candidate.intent]
            scoped = product if spec.product_scope == "per_product" else None
            label = f"{self.kb.product(scoped).name}的{spec.title}" if scoped else spec.title
            options.append(Suggestion(label, candidate.intent, scoped))
        if not options:
            return self._not_understood(session, parse.text)
        self.sessions.put(session, context.with_(suggestions=tuple((s.intent, s.product) for s in options)))
        listed = "\n".join(f"• {s.label}" for s in options)
        return Reply(f"你是不是想问：\n{listed}\n点一下按钮，或者换个说法再问一次。", kind="suggest",
                     products=parse.entities.products, confidence=decision.confidence, suggestions=options)

    def _only_outside(self, parse: Parse) -> bool:
        """The question names a product the documents don't cover (房贷, 花呗, 招商银行 …) and nothing they do."""
        e = parse.entities
        return bool(e.others) and not e.products and all(self.kb.product(p).kind == "outside" for p in e.others)

    def _not_covered(self, parse: Parse) -> Reply:
        # The context is left as it was: the next question can still follow up on the previous answer.
        names = "、".join(p.name for p in self.kb.loan_products)
        return Reply(f"抱歉，两份资料里没有这个产品或机构的信息，我不能回答。我只回答{names}，以及微信和芝麻信用相关的问题，"
                     "比如：“微粒贷最高能借多少”“借呗日利率多少”。请以该机构的官方信息为准。", kind="not_understood")

    def _not_understood(self, session: str, text: str) -> Reply:
        del session, text
        return Reply("抱歉，这个问题我答不了。我只回答微粒贷、借呗、WE2000，以及微信和芝麻信用相关的问题，"
                     "比如：“微粒贷要芝麻分吗”“借呗借一万用30天多少利息”。发送 /help 看看我能回答什么。",
                     kind="not_understood")

    def _smalltalk(self, intent: str) -> str:
        if intent == "greeting":
            return "你好！我可以回答微粒贷、借呗、WE2000的额度、利率、费用和申请条件等问题，也能帮你算利息。直接提问吧。"
        if intent == "thanks":
            return "不客气！还有其他问题随时问我。"
        return self.help_text()

    @staticmethod
    def _slots(context: Context, parse: Parse | None = None) -> Slots:
        values = {n: getattr(context, n) for n in _SLOT_NAMES}
        if parse is not None:
            values.update(parse.entities.slots())
            if "days" in parse.entities.slots() and "months" not in parse.entities.slots():
                values["months"] = None
            if "months" in parse.entities.slots() and "days" not in parse.entities.slots():
                values["days"] = None
        return Slots(**values)  # type: ignore[arg-type]


def build_engine(knowledge_dir: Path, intents_dir: Path, previous: Engine | None = None,
                 tokenizer: Tokenizer | None = None) -> Engine:
    """Load and validate both folders and build an engine; raises KnowledgeError on any problem.

    ``previous`` hands over the session contexts (and jieba is never loaded twice).
    """
    kb = load_knowledge(Path(knowledge_dir))
    intents = load_intents(Path(intents_dir))
    understanding = Understanding(kb, intents, tokenizer or shared_tokenizer())
    sessions = previous.sessions if previous is not None else SessionStore()
    return Engine(kb=kb, intents=intents, understanding=understanding, sessions=sessions, composer=Composer(kb))
