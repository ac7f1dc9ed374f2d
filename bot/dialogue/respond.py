"""The ``Reply`` for a decision: the composed answer, the uncovered-topic notice, the question back, the menu of
suggestions or the polite decline — and the context the conversation keeps."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..knowledge.base import KnowledgeBase
from ..reply import Reply, Suggestion
from ..understanding.intents import Intent, written_by
from ..understanding.parser import Parse
from .compose import Composer
from .context import Context
from .policy import EFFECT, Decision

OFFICIAL_CHANNELS = "请到对应产品的官方页面或客服查询：借呗在支付宝，微粒贷和WE2000在微信。"
EXAMPLE_QUESTIONS = ("微粒贷要芝麻分吗", "WE2000提前还款收费吗", "借呗借一万五用30天多少利息", "微粒贷最高能借多少",
                     "借呗逾期10天罚息多少", "微粒贷借2万分12期每月还多少", "微信和芝麻信用是什么关系",
                     "借呗和微粒贷有什么区别")
# Before a listing that answers "X会影响额度吗": the documents list factors, they do not say whether X is one
# ("什么会影响额度" asks for the list itself)
FACTORS_ONLY = "（资料只列了下面这些；你问的那一项如果不在其中，资料就没有讲它有没有影响。）"
_WHICH = re.compile(r"什么|哪些|哪个|哪几|啥")
# What people ask of an answer that its documents do not state ("借呗有年龄限制吗", "借呗是复利吗"): per renderer,
# the note said first and the (name, words) asked; the answer then gives what the documents do say
_UNSTATED: dict[str, tuple[str, tuple[tuple[str, re.Pattern[str]], ...]]] = {
    "conditions": ("（资料没有写{}方面的要求；下面是资料列出的门槛。）", (
        ("年龄", re.compile(r"年龄|年纪|\d+岁|多少岁|几岁|多大|成年")), ("学历", re.compile(r"学历")),
        ("公积金", re.compile(r"公积金")), ("社保", re.compile(r"社保")), ("信用卡", re.compile(r"信用卡")),
        ("工作和收入", re.compile(r"工作|职业|收入|工资|上班")), ("学生身份", re.compile(r"学生")))),
    "rates": ("（资料没有写{}；下面是资料给的利率和通常按日计息的算法。）", (
        ("是否按复利计算", re.compile(r"复利|利滚利|单利")),)),
}
# A message that only acknowledges, checks or corrects what was said (policy ``Said``)
SAID_REPLIES = {
    "ack": "好的。还有其他问题随时问我。",
    "check": "我的回答都整理自两份公开资料，出处写在回答末尾；资料之间说法不一时，会把各自的数字都列出来。"
             "实际额度、利率和费用以贷款机构的官方页面和合同为准。",
    "correction": "抱歉，可能没理解对你的问题。能换个说法再问一次吗？带上产品名会更准，比如："
                  "“借呗提前还款收费吗”“微粒贷要芝麻分吗”。",
}


class Responder:
    """Writes the reply to a decision and the context that follows it."""

    def __init__(self, kb: KnowledgeBase, intents: Mapping[str, Intent], composer: Composer) -> None:
        self.kb = kb
        self.intents = intents
        self.composer = composer
        self._overview = written_by(intents, "overview")

    def respond(self, decision: Decision, parse: Parse | None, context: Context) -> tuple[Reply, Context]:
        """The reply and the context to keep."""
        kind = decision.kind
        if kind == "outside":  # the context stays: the next question can still follow up on the previous answer
            if decision.products:
                return self._unrelated(decision.products, decision.outside), context
            return self._not_covered(decision.outside), context
        if kind in ("decline", "suggest"):
            if decision.products:  # "听说有个叫WE2000的…" then "它最多给多少额度": the product is still meant
                context = context.with_(products=decision.products)
            if decision.slots.given():  # the numbers stay for the button pressed next or the next question
                context = context.with_(slots=decision.slots.numbers())
            if kind == "suggest":
                return self._suggest(decision, context)
            return self.not_understood(decision.products), context
        if decision.said:  # "好的", "是真的吗", "不是": the conversation's topic stays
            return Reply(SAID_REPLIES[decision.said], kind="smalltalk"), context
        assert decision.intent is not None
        intent = decision.intent
        remembered = context.answered(intent, decision.products or context.products, decision.slots.numbers())
        score = decision.score / 100
        if kind == "smalltalk":  # "谢谢" between two questions: the conversation's topic stays for "那微粒贷呢";
            spec = self.intents[intent]  # with none yet, the conversation has begun ("你好" then "利息呢")
            text = self.help_text() if spec.answer == "help" else spec.reply or ""
            kept = context if context.intent else remembered
            return Reply(text, kind="smalltalk", intent=intent, confidence=score), kept
        if kind == "uncovered":  # no note on a product the topic itself names ("借呗和网商贷之间的切换")
            titles = "".join(self.intents[a].title for a in decision.asked)
            note = self._outside_note(parse) if parse and any(o not in titles for o in parse.entities.outside) else []
            return self._uncovered(decision, remembered, note)
        if kind == "ask_product":
            spec = self.intents[intent]
            buttons = tuple(Suggestion(f"{p.name}的{spec.title}", intent, p.id) for p in self.kb.loan_products)
            reply = Reply(f"你想了解哪个产品的{spec.title}？点下面的按钮或直接回复产品名。", kind="clarify",
                          intent=intent, confidence=score, suggestions=buttons)
            return reply, remembered.with_(suggestions=tuple((s.intent, s.product) for s in buttons))
        return self._answer(decision, parse), remembered

    def choose_invalid(self) -> Reply:
        return Reply("这个选项已经失效了，请重新提问。", kind="invalid")

    # ---------------------------------------------------------------- answers
    def _answer(self, decision: Decision, parse: Parse | None) -> Reply:
        assert decision.intent is not None
        spec = self.intents[decision.intent]
        products = decision.products
        missing = [self.intents[a] for a in decision.unanswered]
        covered = tuple(a for a in decision.asked if a not in decision.unanswered)
        compares = spec.answer == "comparison"
        # "网商贷和借呗是不是一个": one of ours beside one the documents don't cover, so there is nothing to compare;
        # what they say about ours is its introduction, not a table of all our products ("该借哪个" keeps its neutral
        # comparison)
        alone = (compares and not decision.slots.advice and len(products) == 1 and parse is not None
                 and bool(parse.entities.outside))
        if alone:
            covered = tuple(self._overview if a == decision.intent else a for a in covered)
        composed = self.composer.compose_many(covered, products, decision.slots)
        head = self._outside_note(parse, compared=compares, alone=self.kb.product(products[0]).name if alone else None)
        if missing:  # "还款日能延期吗 晚两天罚多少": say what the documents don't cover, then answer the rest
            head += self._not_in_documents(missing, products)
        elif (spec.answer == "listing" and parse is not None and EFFECT.search(parse.folded)
              and not _WHICH.search(parse.folded)):
            head.append(FACTORS_ONLY)  # "会员等级会影响借呗额度吗": the factors the documents give, not a yes or no
        elif spec.answer in _UNSTATED and parse is not None:
            note, asked = _UNSTATED[spec.answer]
            head += [note.format(name) for name, words in asked
                     if words.search(parse.folded) and name not in composed.text][:1]
        fields = composed.fields()
        if head:
            fields["text"] = "\n".join([*head, composed.text])
            fields["detail"] = "\n".join([*head, composed.detail]) if composed.detail else None
        loans = tuple(p for p in products if self.kb.product(p).kind == "loan")
        return Reply(kind="answer", intent=decision.intent, products=loans if spec.product_scope != "none" else (),
                     confidence=decision.score / 100, also=tuple(a for a in decision.asked if a != decision.intent),
                     **fields)

    # ---------------------------------------------------------------- what the documents don't cover
    @staticmethod
    def _outside_note(parse: Parse | None, compared: bool = False, alone: str | None = None) -> list[str]:
        """Products the documents don't cover, named beside ours ("借呗和花呗…"): said before the answer; a comparison
        says it cannot include them (``alone``: the one product of ours it was compared with)."""
        if parse is None or not parse.entities.outside:
            return []
        names = "、".join(parse.entities.outside)
        if compared and alone:
            return [f"（两份资料里没有{names}的信息，没法拿它和{alone}比较；下面是资料里{alone}的要点。）"]
        if compared:
            return [f"（两份资料里没有{names}的信息，没法拿它来比较；下面是资料里这几款产品的对比。）"]
        return [f"（两份资料里没有{names}的信息，下面只说资料里有的产品。）"]

    def _not_in_documents(self, specs: list[Intent], products: tuple[str, ...]) -> list[str]:
        """That the documents don't cover these topics for these products, and where to ask instead."""
        loans = [self.kb.product(p) for p in products]
        titles = "、".join(s.title for s in specs)
        # a title that names the product already ("借呗和网商贷之间的切换") needs no "借呗的" before it
        subject = "、".join(p.name for p in loans) + "的" if loans and not all(p.name in titles for p in loans) else ""
        lines = [f"两份资料里没有讲{subject}{titles}，这个问题我没法回答。"]
        if loans:
            return lines + [f"请到{p.channel}查询。" for p in loans if p.channel]
        return [*lines, OFFICIAL_CHANNELS]

    def _uncovered(self, decision: Decision, context: Context, note: list[str]) -> tuple[Reply, Context]:
        """Topics the documents do not answer: say so for the product asked about, and where to ask instead;
        offer the related intents the documents do answer."""
        specs = [self.intents[a] for a in decision.asked]
        lines = self._not_in_documents(specs, decision.products)
        product = decision.products[0] if decision.products else None
        options = [self.suggestion(r, product) for r in dict.fromkeys(r for s in specs for r in s.related)][:3]
        if options:
            lines.append("资料里有的相关内容，可以点下面看看。")
            context = context.with_(suggestions=tuple((s.intent, s.product) for s in options))
        reply = Reply("\n".join(note + lines), kind="uncovered", intent=specs[0].id, products=decision.products,
                      confidence=decision.score / 100, suggestions=tuple(options),
                      also=tuple(a for a in decision.asked if a != specs[0].id))
        return reply, context

    # ---------------------------------------------------------------- suggestions and declines
    def _suggest(self, decision: Decision, context: Context) -> tuple[Reply, Context]:
        product = (decision.products or context.products or (None,))[0]
        options = tuple(self.suggestion(i, product) for i in decision.options)
        context = context.with_(suggestions=tuple((s.intent, s.product) for s in options))
        listed = "\n".join(f"• {s.label}" for s in options)
        reply = Reply(f"你是不是想问：\n{listed}\n点一下按钮，或者换个说法再问一次。", kind="suggest",
                      products=decision.products, confidence=decision.score / 100, suggestions=options)
        return reply, context

    def suggestion(self, intent: str, product: str | None) -> Suggestion:
        """A button for ``intent``, about ``product`` when the intent is answered per product."""
        spec = self.intents[intent]
        scoped = product if spec.product_scope == "per_product" else None
        name = self.kb.product(scoped).name if scoped else ""
        return Suggestion(f"{name}的{spec.title}" if name and name not in spec.title else spec.title, intent, scoped)

    def _not_covered(self, outside: tuple[str, ...]) -> Reply:
        names = "、".join(p.name for p in self.kb.loan_products)
        which = "、".join(outside) or "这个产品或机构"
        return Reply(f"抱歉，两份资料里没有{which}的信息，我不能回答。我只回答{names}，以及微信和芝麻信用相关的问题，"
                     "比如：“微粒贷最高能借多少”“借呗日利率多少”。请以该机构的官方信息为准。", kind="not_understood")

    def _unrelated(self, products: tuple[str, ...], outside: tuple[str, ...]) -> Reply:
        """How our loan and a product the documents lack relate ("借呗和花呗有冲突吗"): nothing to say about it."""
        loans = [self.kb.product(p) for p in products]
        names, which = "、".join(p.name for p in loans), "、".join(outside)
        lines = [f"两份资料里没有{which}的信息，没法说它和{names}有没有关系、会不会互相影响。"]
        lines += [f"你自己账户里的情况，请到{p.channel}查询。" for p in loans if p.channel]
        return Reply("\n".join(lines), kind="not_understood", products=products)

    def not_understood(self, products: tuple[str, ...] = ()) -> Reply:
        """The polite decline. A question that names our loan ("为什么我的借呗减了") is about it: the reply names
        it, says where its account questions go, and shows how to ask it what the documents answer."""
        loans = [self.kb.product(p) for p in products if self.kb.has_product(p) and self.kb.product(p).kind == "loan"]
        if not loans:
            return Reply("抱歉，这个问题我答不了。我只回答微粒贷、借呗、WE2000，以及微信和芝麻信用相关的问题，"
                         "比如：“微粒贷要芝麻分吗”“借呗借一万用30天多少利息”。发送 /help 看看我能回答什么。",
                         kind="not_understood")
        names = "、".join(p.name for p in loans)
        lines = [f"抱歉，没看懂你想问{names}的什么。"]
        lines += [f"如果是你自己账户里的情况（额度、借款、还款记录等），资料里查不到，请到{p.channel}查询。"
                  for p in loans if p.channel]
        first = loans[0].name
        lines.append(f"资料里有的内容可以这样问：“{first}最高能借多少”“{first}提前还款收费吗”。"
                     "发送 /help 看看我能回答什么。")
        return Reply("\n".join(lines), kind="not_understood", products=tuple(p.id for p in loans))

    def help_text(self) -> str:
        topics = "、".join(i.title for i in self.intents.values() if i.kind == "answer" and i.product_scope != "none")
        products = "、".join(p.name for p in self.kb.loan_products)
        examples = "\n".join(f"• {q}" for q in EXAMPLE_QUESTIONS)
        return (f"我可以根据两份公开资料，回答关于{products}的问题：{topics}。\n"
                f"也能帮你算利息、罚息、提前还款和分期的费用。直接用中文提问就行，比如：\n{examples}\n\n"
                f"你自己账户里的情况（额度变化、还款记录、冻结等）资料里没有，{OFFICIAL_CHANNELS}\n"
                "我提供的是一般信息，不构成财务建议。")
