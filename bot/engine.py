"""The engine: ``Engine.reply(session, text) -> Reply``. Synchronous, in memory, one per knowledge base."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from . import reuse
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
_SLOT_NAMES = ("amount", "days", "months", "overdue_days", "repay_day", "score", "bound")
# Where one message may ask a second question: punctuation, or 还有/另外/以及 between two questions.
_CLAUSE = re.compile(r"[，,。？?！!；;\n]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|还有|另外|以及|顺便问")
# Without a product named, a question whose words are largely unknown to every intent ("茅台股票还能买吗", or
# "周末去哪玩比较好" in the middle of a conversation) is an uncovered topic only if it has a word about borrowing.
UNCOVERED_UNKNOWN = 0.3
_LOAN_WORDS = re.compile(r"借|贷|还款|还钱|几号还|额度|利息|分期|逾期|征信|扣款|放款|到账|提现|卡|欠款|账单|冻结|解冻|注销|账户")
# How a follow-up starts: "那微粒贷呢", "要是借两万", "同样的钱微粒贷要多少"
_FOLLOW_UP_MARK = re.compile(r"那|如果|要是|假如|换成|改成|同样|也")
_BETWEEN = re.compile(r"vs|pk|和|跟|与|对比|比较|还是|哪个")  # what stands between two product names in a comparison
MIN_CLAUSE_RESIDUE = 3  # a clause with less own wording than this ("有吗") is not a question of its own
# What makes a clause a question of its own
_QUESTION = re.compile(r"[吗呢么嘛？?]|多少|多久|多长|怎么|怎样|什么|啥|几|哪|能不能|可不可以|是不是|有没有|要不要|会不会|是否|如何|为什么|为啥|咋")
COMPARE_LEAD = 10.0  # two products named: a comparison within this many points of the top is what is asked


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
            if parse.entities.products:  # "听说有个叫WE2000的…" then "它最多给多少额度": the product is still meant
                context = context.with_(products=parse.entities.products)
                self.sessions.put(session, context)
            if decision.kind == "suggest":
                return self._suggest(session, parse, context, decision)
            return self._not_understood(session, text)
        return self._answer(session, intent, parse, context, confidence)

    def explain(self, session: str, text: str) -> str:
        """Why ``text`` gets its reply: the parse, the scores and the decision with its reason (``ask --explain``)."""
        parse = self.understanding.parse(text)
        context = self.sessions.get(session)
        intent, _, decision = self._intent(parse, context)
        e = parse.entities
        lines = [f"text:       {text}", f"normalized: {parse.folded}", f"residue:    {parse.residue!r}",
                 f"products:   {list(e.products)}   others: {list(e.others)}   outside: {list(e.outside)}",
                 f"slots:      {e.slots()}", f"unknown:    {parse.unknown:.0%} of the word weight",
                 "candidates (score 0–100, best example):"]
        lines += [f"  {c.intent:<20}{c.score:6.1f}  {c.example}" for c in parse.candidates]
        lines.append(f"decision:   {decision.kind} {intent or ''} — {decision.reason}")
        reply = self.reply(session, text)
        lines.append(f"reply:      kind={reply.kind} intent={reply.intent} products={list(reply.products)}"
                     f" also={list(reply.also)}")
        return "\n".join(lines) + "\n\n" + reply.text

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
        e = parse.entities
        ranked = [(c.intent, c.score) for c in parse.candidates
                  if not (e.products and c.intent in SMALLTALK)]  # "WE2000 介绍" is not a request for help
        if len(e.products) >= 2 and ranked and any(i == "compare" and v >= ranked[0][1] - COMPARE_LEAD
                                                   for i, v in ranked[:3]):
            ranked = [("compare", ranked[0][1]), *(r for r in ranked if r[0] != "compare")]  # two products: compare
        slots = set(e.slots())
        named = bool(e.products or e.others)
        # a platform (微信, 支付宝) makes loans likely, but only a loan product vouches for mostly unknown wording
        decision = decide(ranked, domain=named or context.intent is not None, unknown=parse.unknown,
                          named=bool(e.products), conversation=context.intent is not None)
        if context.intent and self._follows_up(parse, context, slots, decision):
            # 那借呗呢 / 如果借2万呢 / 60天呢
            return context.intent, 0.9, Decision("answer", context.intent, 0.9,
                                                 f"follow-up: only a product, amount or term changes ({context.intent})")
        if not parse.residue and not e.products and not context.intent:
            return None, 0.0, Decision("none", None, 0.0, "a bare number with nothing to refer to")
        if decision.kind == "answer" and decision.intent is not None:
            uncovered = self.understanding.intents[decision.intent].kind == "uncovered"
            if uncovered and parse.unknown >= UNCOVERED_UNKNOWN and not (
                    e.products or _LOAN_WORDS.search(parse.folded)):
                # "茅台股票还能买吗" is not about borrowing
                return None, 0.0, Decision("none", None, 0.0, "uncovered topic without any word about borrowing")
            return decision.intent, decision.confidence, decision
        if len(e.products) >= 2 and not _BETWEEN.sub("", parse.residue):
            return "compare", 0.7, Decision("answer", "compare", 0.7, "two products and nothing else: compare")
        if not parse.residue and e.products:
            return "product_overview", 0.7, Decision("answer", "product_overview", 0.7, "a bare product name")
        return None, decision.confidence, decision

    @staticmethod
    def _follows_up(parse: Parse, context: Context, slots: set[str], decision: Decision) -> bool:
        """A short message that only changes a product, amount or term of the previous question."""
        if not (parse.entities.products or slots):
            return False
        unsure = decision.kind != "answer" or decision.confidence * 100 < CONFIDENT_SCORE
        if len(parse.residue) > FOLLOW_UP_RESIDUE and not (unsure and _FOLLOW_UP_MARK.match(parse.folded)):
            return False  # a new question ("那微粒贷的借款记录上不上" follows up only because nothing else is sure)
        if slots and not slots <= INTENT_SLOTS.get(context.intent or "", frozenset()):
            return False  # 借1万用30天呢 after a rate question is a new, calculating question
        return not parse.residue or unsure

    # ---------------------------------------------------------------- replies
    def _answer(self, session: str, intent: str, parse: Parse, context: Context, confidence: float) -> Reply:
        spec = self.understanding.intents[intent]
        products = parse.entities.products
        follow_up = intent == context.intent
        if not products and spec.product_scope == "per_product" and context.products:
            products = context.products if (follow_up or parse.entities.slots() or len(context.products) == 1) else ()
        if not products and intent == "compare" and len(context.products) >= 2:
            products = context.products  # 哪个利息更低 right after comparing two products
        if not products and spec.product_scope == "per_product":
            own = [p for p in parse.entities.others if self.composer.covers(intent, p)]
            if len(own) == 1:
                products = tuple(own)  # "芝麻分怎么提高": 芝麻信用's own factors, not each loan's
        slots = self._slots(context if follow_up else Context(), parse)
        if _ADVICE.search(parse.folded):
            slots = Slots(**{**slots.__dict__, "advice": True})
            if intent not in SMALLTALK:
                intent = "compare" if len(products) != 1 else intent
        if stated := parse_stated(parse.folded):
            slots = Slots(**{**slots.__dict__, "stated": stated})  # 实名4个月, 每周3笔 … for a verdict
        intent = self._needed(intent, slots, parse.entities.unstated)
        asked = self._also(parse, intent) if not follow_up else ()  # the questions of the message, in order
        note = ""
        if parse.entities.outside:
            note = f"（两份资料里没有{'、'.join(parse.entities.outside)}的信息，下面只说资料里有的产品。）"
        return self._respond(session, intent, products, slots, context, confidence, parse.folded, asked, note)

    def _needed(self, intent: str, slots: Slots, unstated: frozenset[str] = frozenset()) -> str:
        """A calculating intent asked without any slot it needs (given or masked: "借***万") is answered as its
        ``otherwise`` intent."""
        spec = self.understanding.intents[intent]
        given = {n for n in spec.needs if getattr(slots, n) is not None} | (set(spec.needs) & unstated)
        if spec.needs and spec.otherwise and not given:
            return spec.otherwise
        return intent

    def _also(self, parse: Parse, intent: str) -> tuple[str, ...]:
        """All questions of one message in order ("最高能借多少，要多少芝麻分" → max_amount, zhima_requirement) when its
        clauses are confidently of different intents (answerable or uncovered); () for a message that asks one thing."""
        clauses = [c for c in _CLAUSE.split(parse.text) if c.strip()]
        if len(clauses) < 2:
            return ()
        found: list[str] = []
        for clause in clauses:
            if len(clauses) > 2 and not _QUESTION.search(clause):
                continue  # "我芝麻分580，实名4个月，能申请哪个": the first clauses state conditions (not parsed)
            sub = self.understanding.parse(clause)
            top = sub.top
            if top is None or top.score < CONFIDENT_SCORE or len(sub.residue) < MIN_CLAUSE_RESIDUE:
                continue
            spec = self.understanding.intents[top.intent]
            if spec.product_scope == "none" or spec.needs:
                continue
            if top.intent not in found and top.intent not in self.understanding.intents[intent].absorbs:
                found.append(top.intent)
        if intent not in found:
            found.insert(0, intent)  # the message's own best intent leads when no clause named it
        return tuple(found[:3]) if len(found) > 1 else ()

    def _respond(self, session: str, intent: str, products: tuple[str, ...], slots: Slots, context: Context,
                 confidence: float, folded: str, asked: tuple[str, ...] = (), note: str = "") -> Reply:
        intent = asked[0] if asked else intent  # the first question asked leads
        spec = self.understanding.intents[intent]
        remembered = context.with_(intent=intent, products=products or context.products,
                                   **{n: getattr(slots, n) for n in _SLOT_NAMES})
        self.sessions.put(session, remembered)
        asked = asked or (intent,)
        missing = [self.understanding.intents[a] for a in asked if self.understanding.intents[a].kind == "uncovered"]
        covered = tuple(a for a in asked if self.understanding.intents[a].kind == "answer")
        if not covered:
            return self._uncovered(session, missing, products, remembered, confidence, note, asked)
        if intent in SMALLTALK:
            return Reply(self._smalltalk(intent), kind="smalltalk", intent=intent, confidence=confidence)
        if spec.product_scope == "per_product" and not products and intent in ASK_PRODUCT:
            buttons = tuple(Suggestion(f"{p.name}的{spec.title}", intent, p.id) for p in self.kb.loan_products)
            self.sessions.put(session, remembered.with_(suggestions=tuple((s.intent, s.product) for s in buttons)))
            return Reply(f"你想了解哪个产品的{spec.title}？点下面的按钮或直接回复产品名。", kind="clarify",
                         intent=intent, confidence=confidence, suggestions=buttons)
        parts = tuple((a, self.understanding.intents[a].title) for a in covered)
        composed = self.composer.compose_many(parts, products, slots)
        head = [note] if note else []
        if missing:  # "还款日能延期吗 晚两天罚多少": say what the documents don't cover, then answer the rest
            head += self._not_in_documents(missing, products)
        fields = composed.fields()
        if head:
            fields["text"] = "\n".join([*head, composed.text])
            fields["detail"] = "\n".join([*head, composed.detail]) if composed.detail else None
        loans = tuple(p for p in products if self.kb.product(p).kind == "loan")
        return Reply(kind="answer", intent=intent, products=loans if spec.product_scope != "none" else (),
                     confidence=confidence, also=tuple(a for a in asked if a != intent),
                     **fields)  # type: ignore[arg-type]

    def _not_in_documents(self, specs: list[Intent], products: tuple[str, ...]) -> list[str]:
        """That the documents don't cover these topics for these products, and where to ask instead."""
        loans = [self.kb.product(p) for p in products]
        subject = "、".join(p.name for p in loans) + "的" if loans else ""
        lines = [f"两份资料里没有讲{subject}{'和'.join(s.title for s in specs)}，这个问题我没法回答。"]
        if loans:
            return lines + [f"请到{p.channel}查询。" for p in loans if p.channel]
        return lines + ["请到对应产品的官方页面或客服查询：借呗在支付宝，微粒贷和WE2000在微信。"]

    def _uncovered(self, session: str, specs: list[Intent], products: tuple[str, ...], context: Context,
                   confidence: float, note: str, asked: tuple[str, ...]) -> Reply:
        """Topics the documents do not answer: say so for the product asked about, and where to ask instead;
        offer the related intents the documents do answer."""
        lines = self._not_in_documents(specs, products)
        product = products[0] if products else None
        options = [self._suggestion(r, product) for r in dict.fromkeys(r for s in specs for r in s.related)][:3]
        if options:
            lines.append("资料里有的相关内容，可以点下面看看。")
            self.sessions.put(session, context.with_(suggestions=tuple((s.intent, s.product) for s in options)))
        text = "\n".join(([note] if note else []) + lines)
        return Reply(text, kind="uncovered", intent=specs[0].id, products=products, confidence=confidence,
                     suggestions=tuple(options), also=tuple(a for a in asked if a != specs[0].id))

    def _suggest(self, session: str, parse: Parse, context: Context, decision: Decision) -> Reply:
        product = (parse.entities.products or context.products or (None,))[0]
        options = []
        for candidate in parse.candidates[:3]:
            if candidate.score < decision.confidence * 100 - 15 or candidate.intent in SMALLTALK:
                continue
            if not self.understanding.relevant(parse, candidate.intent):
                continue  # no menu of topics that share nothing with the question
            options.append(self._suggestion(candidate.intent, product))
        if not options:
            return self._not_understood(session, parse.text)
        self.sessions.put(session, context.with_(suggestions=tuple((s.intent, s.product) for s in options)))
        listed = "\n".join(f"• {s.label}" for s in options)
        return Reply(f"你是不是想问：\n{listed}\n点一下按钮，或者换个说法再问一次。", kind="suggest",
                     products=parse.entities.products, confidence=decision.confidence, suggestions=options)

    def _suggestion(self, intent: str, product: str | None) -> Suggestion:
        """A button for ``intent``, about ``product`` when the intent is answered per product."""
        spec = self.understanding.intents[intent]
        scoped = product if spec.product_scope == "per_product" else None
        return Suggestion(f"{self.kb.product(scoped).name}的{spec.title}" if scoped else spec.title, intent, scoped)

    def _only_outside(self, parse: Parse) -> bool:
        """The question names a product the documents don't cover (房贷, 花呗, 网商贷 …) and none of the loans they do."""
        return bool(parse.entities.outside) and not parse.entities.products

    def _not_covered(self, parse: Parse) -> Reply:
        # The context is left as it was: the next question can still follow up on the previous answer.
        names = "、".join(p.name for p in self.kb.loan_products)
        which = "、".join(parse.entities.outside) or "这个产品或机构"
        return Reply(f"抱歉，两份资料里没有{which}的信息，我不能回答。我只回答{names}，以及微信和芝麻信用相关的问题，"
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
    tokenizer = tokenizer or shared_tokenizer()
    prints, before = reuse.prints_of(Path(knowledge_dir), Path(intents_dir)), reuse.built_from(previous)
    if previous is not None and before == prints and previous.understanding.tokenizer is tokenizer:
        return replace(previous)  # the same files: nothing to rebuild (bot/reuse.py)
    same_kb = previous is not None and before is not None and before.knowledge == prints.knowledge
    kb = previous.kb if same_kb and previous is not None else load_knowledge(Path(knowledge_dir))
    same_intents = previous is not None and before is not None and before.intents == prints.intents
    intents = previous.intents if same_intents and previous is not None else load_intents(Path(intents_dir))
    understanding = Understanding(kb, intents, tokenizer)
    reuse.remember(understanding, prints)
    sessions = previous.sessions if previous is not None else SessionStore()
    composer = previous.composer if same_kb and previous is not None else Composer(kb)
    return Engine(kb=kb, intents=intents, understanding=understanding, sessions=sessions, composer=composer)
