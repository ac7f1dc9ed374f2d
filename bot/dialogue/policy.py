"""The decision: from the ``Parse`` of a message and the conversation's context, what the bot does — answer,
follow up, give advice-free comparison, ask which product, name an uncovered topic, suggest, or decline — with
the rule that decided it in words. One function, one scale: the matcher's 0–100 scores throughout."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from ..text.normalize import clean, has_meaning, normalize
from ..understanding.entities import without_worded
from ..understanding.intents import Intent, occurs, written_by
from ..understanding.matcher import bigrams
from ..understanding.parser import QUESTION_OPENINGS, Parse
from ..understanding.slots import SlotValues
from .conditions import parse_stated
from .context import USER_FACTS, Context
from .slots import Slots

ANSWER_SCORE = 45.0  # top score at or above this, with a clear margin → answer
ANSWER_MARGIN = 2.0  # … or the top is this far ahead of the runner-up
CONFIDENT_SCORE = 65.0  # at or above this the margin does not matter
SUGGEST_SCORE = 40.0  # between this and ANSWER_SCORE → "你是不是想问…"
# A suggestion shares a content word with the question, or scores at least this: short questions whose words are
# all common ("微信为什么没微粒贷", "借呗可以借几天嘛") still get the topics they are close to
RELEVANT_SCORE = 55.0
# With domain evidence (a product or platform is named) the question is surely about loans: a lower bar.
DOMAIN_ANSWER_SCORE = 36.0
DOMAIN_SUGGEST_SCORE = 28.0
# Without domain evidence, a question most of whose word weight no intent knows gets no suggestions.
OFF_TOPIC_SHARE = 0.6
# Outside a conversation and without a product or platform named, a question half of whose word weight no intent
# knows is not answered at all.
OFF_TOPIC_ANSWER_SHARE = 0.45
# … and inside a conversation (where short follow-ups such as "哪个维度权重最高" lean on the context) from this share.
CONVERSATION_OFF_TOPIC_SHARE = 0.58
FOLLOW_UP_RESIDUE = 2  # a message whose residue is at most this long may be a follow-up
# Only an end of a range ("最低呢", "最多呢"): after a limit question the least or the most amount, after a rate or
# cost question the lowest or the highest rate
_BARE_END = re.compile(r"那?(?P<end>最低|最少|最小|最高|最多|最大)的?(?:呢|吗)?")  # not "最多能借多少": a question
_LOW_ENDS = ("最低", "最少", "最小")
# a message that only names an end of a range or says again which product is meant is no longer than this
# ("那最低的呢？？", "不是微粒贷，是借呗"), with room for spaces and punctuation
MAX_BARE_CHARS = 12
# "除了借呗还有什么可以借钱", "除了微粒贷还有别的贷款平台吗": other ways to borrow, which the documents don't cover
_ALTERNATIVES = re.compile(r"除了.{0,12}?还有.{0,6}(?:借钱|借款|贷款|网贷|平台|软件|app|渠道|方式|地方)")
OTHER_LENDERS = "其他借钱渠道"
# "借呗和花呗有关系吗", "花呗借呗会相互影响吗", "能一起用吗" (asked last: "一起用会影响征信吗" asks about 征信): how our
# loan and one the documents lack bear on each other
_RELATION = re.compile(r"关系|关联|联系|冲突|相互影响|互相影响|挂钩|有关(?:吗|么|嘛|没|不)|通用|互通|共用|共享|"
                       r"(?:同|一)个系统|"
                       r"(?:同时|一起|一块)(?:用|使用|开通?|有)(?=[吗么嘛不呢?？。!！]|$)")
# comparison words: with one of our products and one the documents lack, the question compares them
_COMPARISON_WORDS = re.compile(r"区别|差别|不同|一样|一回事|一种|哪个|哪一个|好还是|还是.{0,6}好|比较|对比|相比|"
                               r"比.{0,6}(?:高|低|贵|便宜|好|多|少)|差在")
# how a product is, asked with nothing else ("借呗怎么样", "那微粒贷如何"): as a first question its overview, after one
# the same question again for that product (如何 reads as 怎么 in the residue)
_HOW_IS = re.compile(r"(?:到底|究竟|总体|整体)?(?:怎么样|咋样|怎样|如何|怎么|好不好|好吗|行不行|行吗)"
                     r"[呀啊哦吧呢哈嘛啦吗么]*")
FOLLOW_UP_SCORE = 90.0  # the score of a follow-up ("那借呗呢"): it keeps a question that was answered
BARE_SCORE = 70.0  # two product names and nothing else (compare), or one (its overview)
COMPARE_LEAD = 10.0  # two products named: a comparison within this many points of the top is what is asked
# The best intent's cue is part of another's question ("提前还款的手续费是多少" asks the prepayment fee, not fees in
# general): an intent that ``absorbs`` the best one, has a cue word of its own in the message and is this close leads
ABSORB_LEAD = 10.0
SUGGEST_SPREAD = 15.0  # suggestions: candidates within this many points of the top
# Without a product named, a question whose words are largely unknown to every intent ("茅台股票还能买吗", or
# "周末去哪玩比较好" in the middle of a conversation) is an uncovered topic only if it has a word about borrowing.
UNCOVERED_UNKNOWN = 0.3
_BORROW = re.compile(r"借|贷")
# the opening words of a question with nothing after them ("我想知道", "请问一下", "那个", "嗯")
_BEGUN = re.compile(r"(?:" + "|".join((*QUESTION_OPENINGS, "一下", "嗯")) + ")+")
_LOAN_WORDS = re.compile(r"借|贷|还款|还钱|几号还|额度|利息|分期|逾期|征信|扣款|放款|到账|提现|卡|欠款|账单|"
                         r"冻结|解冻|注销|账户")
# Without a product named, a comparison whose words are this much unknown to every intent compares other things,
# unless it compares what a loan costs or asks ("哪个产品利息最低")
COMPARE_UNKNOWN = 0.15
_LOAN_TERMS = re.compile(r"利息|利率|息费|额度|手续费|罚息|年化|日息|芝麻分|审批|放款")
# How a follow-up starts: "那微粒贷呢", "要是借两万", "同样的钱微粒贷要多少"
_FOLLOW_UP_MARK = re.compile(r"那|如果|要是|假如|换成|改成|同样|也")
_BETWEEN = re.compile(r"vs|pk|和|跟|与|对比|比较|还是|哪个")  # what stands between two product names in a comparison
_ADVICE = re.compile(r"该借|借哪|选哪|哪个好|哪个划算|推荐|建议|值得借|要不要借|借不借")
# a question that ends asking which one ("我芝麻分620能开哪个") asks across the products, not about the last one
_WHICH = re.compile(r"哪(?:个|一个|款|一款|家|几个|些)(?:产品|平台)?(?:呢|啊|呀|吧|好|更好|划算|合适)?$")
# Asking whether to borrow at all ("我该不该借微粒贷", "借微粒贷去还信用卡划算吗"): a neutral comparison, never a yes.
_SHOULD_BORROW = re.compile(r"该不该(?:借|用|开)|应不应该(?:借|用)|要不要(?:借|用|开)|借不借|值不值得(?:借|用)|"
                            r"值得(?:借|用)吗|借.{0,12}(?:划算|划不划算|合适)|借(?![呗唄]).{0,12}好不好|(?:划算|合适)吗.{0,3}借")
# A short question about another topic of the same conversation: "逾期呢", "利息呢", "那违约金呢"
_SWITCH = re.compile(r"^(?:那|那么)?(?P<topic>.{1,6}?)(?:呢|咋样|怎么样|怎么算|多少)[?？。!！]*$")
MAX_SWITCH_RESIDUE = 4
SWITCH_PERSONAL_LEAD = 5.0  # in such a switch, a topic that takes the user's numbers counts this many points more
_COMPARING = re.compile(r"比|和|跟|与|对比")
# Where one message may ask a second question: punctuation, or 还有/另外/以及 between two questions.
# A connector splits only after a question has ended ("最高能借多少还有利息多少"), not inside one ("需要另外下载吗").
_CLAUSE = re.compile(r"[，,。？?！!；;\n]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|"
                     r"(?:(?<=[吗呢么嘛])|(?<=多少)|(?<=多久))(?:还有|另外|以及|顺便问|和)|"
                     # "WE2000额度多少利率多少": a short question right after 多少, with no stop between
                     r"(?<=多少)(?=[\u4e00-\u9fff]{2,6}(?:多少|多久|吗)$)")
MAX_REPLY_CHARS = 16  # "好的，知道了" and the like are short: a longer message is a question of its own
MIN_SCORE, MAX_SCORE = 350, 950  # 芝麻分's range: a bare number in it, after a 芝麻分 question, is one
_MONEY_WORDS = re.compile(r"[借贷还欠元块钱万千wk￥¥]")  # … unless it is said to be money ("借500呢")
MIN_CLAUSE_RESIDUE = 3  # a clause with less own wording than this ("有吗") is not a question of its own
MIN_CLAUSE_CONTENT = 1  # … nor is one whose wording is only question words ("能不能吧")
SURE_SCORE = 80.0  # a message whose best intent scores this much: its clauses without a question word set the scene
MAX_ASKED = 3  # at most this many questions of one message are answered
MAX_OPTIONS = 3  # buttons offered after bare question words in a conversation
MAX_COMPARE_WORDS = 2  # "借呗和来分期哪个安全": a comparison says little else (安全); "还款日期" is a topic of its own
# A question about an effect ("会影响额度吗", "有影响吗"): an intent's ``effects`` name the topic it asks about
EFFECT = re.compile(r"影响")
# a clause that only asks whether something has an effect ("会有影响吗", "有啥影响", "影响大不大")
_EFFECT_ONLY = re.compile(r"[会有没大不很的]*影响[大不小吗没有]*")
# What makes a clause a question of its own
_QUESTION = re.compile(r"[吗呢么嘛？?]|多少|多久|多长|是怎么回事|是什么意思|是什么情况|是为什么|是咋回事|"
                       r"怎么办|怎么回事|怎么操作|怎么弄|怎么处理|怎么解决|如何处理|如何解决|咋处理|怎么样|咋样|"
                       r"怎么|怎样|什么意思|什么情况|什么|啥意思|啥|几|哪|能不能|可不可以|是不是|有没有|要不要|会不会|是否|"
                       r"如何操作|如何|为什么|为啥|咋回事|咋办|咋弄|咋|[没不]\s*$|"  # …有限制没, …能借不
                       r"(?![在对])([\u4e00-\u9fff])不\1")  # A不A: 收不收费, 算不算 (在不在, 对不对: greeting, reply)

# Particles that carry nothing once the question words are gone ("的呀", "这是怎么回事"; 是 stays: "微粒贷是什么" asks
# about it)
_PARTICLE_CHARS = "这那的了呀啊哦吧呢哈嘛啦"
_PARTICLES = re.compile(f"[{_PARTICLE_CHARS}]")
_JOINED = re.compile(r"(?:和|跟|还有|以及)(?P<rest>[^和跟]{1,8})$")  # the last topic of a list
_JOINED_TAIL = re.compile(r"[吗呢么嘛吧啊呀了的?？!！。.]{0,3}")  # after it only a particle: "…和征信吗"
_LINKS = re.compile(r"[和跟与及同都也是比个]")  # the words that link products compared ("借呗和花呗都…是…")
_PARTICLES_ONLY = re.compile(f"[{_PARTICLE_CHARS}吗么]*")  # what "那借呗呢", "微粒贷吗" say besides the name


# A reply to what was said, a check or a correction of it ("好的", "是真的吗", "不是"): no topic of its own
_REPLY_WORDS = re.compile(r"对不对|是真的|不是|不对|真的|假的|是的|没错|知道了|明白|懂了|收到|可以|ok|对|好|行")
_CORRECTION = re.compile(r"不是|不对")
# Saying again which product or number is meant ("不对，我问的是借呗", "借了2万")
_RESTATING = re.compile(rf"{_CORRECTION.pattern}|我?(?:问|说)的是|我是(?:问|说)|[借欠贷]了|[借欠贷]的是|^款(?:金额)?$")
_CHECK = re.compile(r"真的|假的|对不对|对[吗么嘛]")
Said = Literal["", "ack", "check", "correction"]


def _said(folded: str) -> Said:
    """What a message of reply words alone says: "不是" corrects, "是真的吗" checks, "好的" acknowledges."""
    return "correction" if _CORRECTION.search(folded) else "check" if _CHECK.search(folded) else "ack"


def _own_wording(residue: str) -> str:
    """What a message or clause says besides question words and particles ("" for "是怎么回事", "能不能吧")."""
    return _PARTICLES.sub("", _QUESTION.sub("", residue))


def _only_compares(parse: Parse) -> bool:
    """Whether a message says nothing but how products relate ("借呗和花呗都一样的吗", "…和来分期哪个安全"): its own
    wording without the products the documents lack and the words that link them is at most MAX_COMPARE_WORDS."""
    own = _own_wording(parse.residue)
    for name in parse.entities.outside:
        own = own.replace(name, "")
    return len(_LINKS.sub("", own)) <= MAX_COMPARE_WORDS


def _only_replies(text: str) -> bool:
    """Whether ``text`` is reply words alone, with question words and particles ("好的", "是真的吗", "不是")."""
    return bool(_REPLY_WORDS.search(text)) and not _PARTICLES.sub("", _REPLY_WORDS.sub("", _QUESTION.sub("", text)))


DecisionKind = Literal["answer", "follow_up", "advice", "ask_product", "uncovered", "smalltalk", "suggest",
                       "outside", "decline"]


@dataclass(frozen=True)
class Decision:
    """What to do with one message, and why."""

    kind: DecisionKind
    intent: str | None
    score: float  # 0–100
    reason: str  # which rule decided, in words (``ask --explain``)
    products: tuple[str, ...] = ()
    slots: Slots = Slots()
    asked: tuple[str, ...] = ()  # every question of the message in order, the first leads (answer kinds)
    options: tuple[str, ...] = ()  # intents to offer as buttons (suggest)
    unanswered: tuple[str, ...] = ()  # of ``asked``, those the documents don't answer for these products
    said: Said = ""  # small talk without an intent: the message acknowledges, checks or corrects what was said
    outside: tuple[str, ...] = ()  # what the documents don't cover, named in the reply (kind "outside")


@dataclass(frozen=True)
class Chosen:
    """Which intent a message asks, before the products, numbers and reply kind are worked out."""

    intent: str | None
    score: float
    reason: str
    suggest: bool = False  # no intent: suggestions may be offered
    follow_up: bool = False  # the conversation's question, or another topic of it: its products carry over
    said: Said = ""  # no intent: the message only acknowledges, checks or corrects what was said
    options: tuple[str, ...] = ()  # no intent: these are offered (the conversation's topic and its related ones)


@dataclass(frozen=True)
class Ranking:
    """The matcher's verdict on scores alone: answer, suggest or none."""

    kind: Literal["answer", "suggest", "none"]
    intent: str | None
    score: float
    reason: str


def rank(scores: list[tuple[str, float]], domain: bool = False, unknown: float = 0.0,
         named: bool = False, conversation: bool = False) -> Ranking:
    """Answer, suggest or decline from the ranked (intent, score) list.

    ``domain``: a product, platform or live conversation makes the question likely about loans.
    ``unknown``: the share of the question's words that no intent knows.
    ``named``: a loan product is named; only then may mostly-unknown text be answered or get suggestions.
    ``conversation``: a previous question is live (short follow-ups lean on it).
    """
    if not scores:
        return Ranking("none", None, 0.0, "no intent scored")
    top_intent, top = scores[0]
    runner = scores[1][1] if len(scores) > 1 else 0.0
    answer, suggest = (DOMAIN_ANSWER_SCORE, DOMAIN_SUGGEST_SCORE) if domain else (ANSWER_SCORE, SUGGEST_SCORE)
    bars = f"(bars: answer {answer:g}, suggest {suggest:g}{' — product, platform or conversation' if domain else ''})"
    off_topic = CONVERSATION_OFF_TOPIC_SHARE if conversation else OFF_TOPIC_ANSWER_SHARE
    if not named and unknown >= off_topic and top < CONFIDENT_SCORE:
        # "周末去哪玩比较好": one cue word in a sentence about something else
        return Ranking("none", None, top, f"off topic: {unknown:.0%} of the word weight is unknown to every "
                       f"intent (≥ {off_topic:.0%}), no product named and top {top:.1f} < {CONFIDENT_SCORE:g}")
    if top >= CONFIDENT_SCORE:
        return Ranking("answer", top_intent, top, f"answer: top {top:.1f} ≥ {CONFIDENT_SCORE:g}")
    if top >= answer and top - runner >= ANSWER_MARGIN:
        return Ranking("answer", top_intent, top,
                       f"answer: top {top:.1f} ≥ {answer:g} and {top - runner:.1f} ahead of the next {bars}")
    if top >= suggest and (named or unknown < OFF_TOPIC_SHARE):
        return Ranking("suggest", top_intent, top, f"suggest: top {top:.1f} between {suggest:g} and the answer "
                       f"bar, or too close to the next {bars}")
    return Ranking("none", None, top, f"decline: top {top:.1f} below {suggest:g} {bars}")


def _led_by(ranked: list[tuple[str, float]], intent: str) -> list[tuple[str, float]]:
    """``ranked`` with ``intent`` leading at the top's score; the top it replaces is no rival (no margin lost)."""
    return [(intent, ranked[0][1]), *(r for r in ranked[1:] if r[0] != intent)]


def _bare_end(parse: Parse) -> str | None:
    """The end of a range a message names and nothing else ("最低呢" → 最低)."""
    if len(parse.folded) > MAX_BARE_CHARS:  # a longer message says more (and the check below costs a few µs)
        return None
    match = _BARE_END.fullmatch(parse.compact)
    return match.group("end") if match else None


def _unrestated(text: str) -> str:
    """``text`` without the words that only say again what is meant ("不是…，是…", "我问的是")."""
    return _RESTATING.sub("", text).strip("是") if len(text) <= MAX_BARE_CHARS else text


def _names_only(text: str) -> bool:
    """Whether a message's words besides product names only say again what is meant, whose it is ("我的借呗") or
    ask how it is."""
    unrestated = _unrestated(text).removeprefix("我").removeprefix("的")
    return bool(_PARTICLES_ONLY.fullmatch(unrestated) or _HOW_IS.fullmatch(unrestated.lstrip(_PARTICLE_CHARS)))


class Policy:
    """Decides what to do with a message; holds the intents and how to parse a clause of a message."""

    def __init__(self, intents: Mapping[str, Intent], parse: Callable[[str], Parse],
                 covers: Callable[[str, str], bool], relevant: Callable[[Parse, str], bool],
                 references: frozenset[str] = frozenset(), generic: frozenset[str] = frozenset()) -> None:
        self.intents = intents
        self._parse = parse  # a clause of a message, understood on its own
        self._covers = covers  # whether an intent has facts about a platform ("芝麻分怎么提高": 芝麻信用's own)
        self._relevant = relevant  # whether an intent shares a content word with the question
        self._references_ids = references  # banks, other lenders: named, they vouch for a question like a loan
        self._generic = generic  # 微信, 支付宝: named alone they are no evidence that a question is about loans
        # the intents that compare products and introduce one (named by their renderer, not their id)
        self.comparison = written_by(intents, "comparison")
        self.overview = written_by(intents, "overview")
        self.maximum = written_by(intents, "maximum")
        self._smalltalk = frozenset(i for i, spec in intents.items() if spec.kind == "smalltalk")
        self._cue_words = {i: spec.cue_words() for i, spec in intents.items()}
        self._uncovered_by_word: dict[str, tuple[str, ...]] = {}  # cue word → the uncovered topics it names
        for i, spec in intents.items():
            for word in spec.cue_words() if spec.kind == "uncovered" else ():
                self._uncovered_by_word[word] = (*self._uncovered_by_word.get(word, ()), i)

    def _cued(self, intent: str, folded: str) -> bool:
        """Whether one of the intent's cue words (``keywords``, ``cues``) is in the folded text."""
        return any(occurs(word, folded) for word in self._cue_words[intent])

    def decide(self, parse: Parse, context: Context) -> Decision:
        """The one decision for a message."""
        e = parse.entities
        if not has_meaning(parse.compact):
            return Decision("decline", None, 0.0, "nothing to read: no letter, digit or ideograph")
        if e.outside and not e.products:
            return Decision("outside", None, 0.0, f"names only products the documents don't cover: {list(e.outside)}",
                            outside=e.outside)
        if _ALTERNATIVES.search(parse.folded):  # "除了借呗还有什么可以借钱": lenders the documents don't cover
            return Decision("outside", None, 0.0, "asks for other ways to borrow than the documents' products",
                            outside=(OTHER_LENDERS,))
        if e.products and e.outside and _RELATION.search(parse.folded) and not self._about(parse, e.outside):
            # the documents say nothing of the other product, so nothing of how the two relate
            return Decision("outside", None, 0.0, f"asks how our loan relates to {list(e.outside)}, which the "
                            "documents don't cover", e.products, outside=e.outside)
        chosen = self._intent(parse, context)
        if chosen.said:
            return Decision("smalltalk", None, 0.0, chosen.reason, said=chosen.said)
        intent, score = chosen.intent, chosen.score
        # about our loans: a product named, or an online loan in general ("网贷该不该借"), not any borrowing
        asks_advice = _SHOULD_BORROW.search(parse.folded) and (e.products or "贷" in parse.folded)
        one = intent == self.comparison and len(e.products) < 2  # "该不该借微粒贷": no second product to compare
        if asks_advice and (intent is None or one or self.intents[intent].kind != "answer"):
            # "我该不该借微粒贷": not a question the documents answer, but the comparison they allow is; never a menu
            compared = e.products if len(e.products) >= 2 else ()
            slots = replace(Slots.of(context.slots.updated(e.values)), advice=True)
            return Decision("advice", self.comparison, max(score, BARE_SCORE), "asks whether to borrow: a neutral "
                            "comparison and the caution", compared, slots, (self.comparison,))
        if intent is None:
            return self._unmatched(parse, context, chosen)
        return self._answer(intent, chosen, parse, context)

    def _about(self, parse: Parse, outside: tuple[str, ...]) -> bool:
        """Whether a leading candidate is the topic of a product the documents lack: an uncovered topic that
        requires a word of that product's name (网商 for 网商贷 and 网商银行: switching between 借呗 and 网商贷)."""
        return any(word in name for c in parse.candidates[:3] if self.intents[c.intent].kind == "uncovered"
                   for word in self.intents[c.intent].requires for name in outside)

    def choose(self, intent: str, product: str | None, context: Context) -> Decision:
        """A pressed button: ``intent`` for ``product``, with the conversation's numbers."""
        products = (product,) if product else ()
        return self._kind(Decision("answer", intent, 100.0, "a button was pressed", products,
                                   Slots.of(context.slots), (intent,)))

    # ---------------------------------------------------------------- which intent
    def _intent(self, parse: Parse, context: Context) -> Chosen:
        """The intent the message asks (or None), its score and the rule that chose it."""
        e = parse.entities
        ranked = [(c.intent, c.score) for c in parse.candidates
                  if not (e.products and c.intent in self._smalltalk)]  # "WE2000 介绍" is not a request for help
        compare = self.comparison
        if len(e.products) >= 2 and ranked and any(i == compare and v >= ranked[0][1] - COMPARE_LEAD
                                                   for i, v in ranked[:3]):
            ranked = [(compare, ranked[0][1]), *(r for r in ranked if r[0] != compare)]  # two products: compare
        elif (e.products and e.outside and ranked and any(i == compare for i, _ in ranked[:3])
              and _COMPARISON_WORDS.search(parse.folded)
              and (ranked[0][0] in self.intents[compare].absorbs or _only_compares(parse))):
            # "借呗和网商贷有什么区别", "借呗和花呗都一样的吗": ours against one the documents lack, asked in
            # comparison words and nothing else, is compared (the answer says what it cannot include), not switching
            # between them; "花呗跟借呗还款日是一样的吗" keeps its topic
            ranked = [(compare, ranked[0][1]), *(r for r in ranked[1:] if r[0] != compare)]
        elif (len(e.products) == 1 and len(e.product_spans) == 1 and not (e.outside or e.others)
              and len(context.products) < 2 and not _ADVICE.search(parse.folded)):
            # "借呗提前还款有什么区别", "花贝和借呗一样吗": one loan of ours, named once, and nothing to compare it
            # with; the table of all our loans answers none of it
            ranked = [r for r in ranked if r[0] != compare]
        ranked = self._absorbed(ranked, parse.folded)
        ranked = self._absorbed_by_context(ranked, parse, context)
        ranked = self._which_after_verdict(ranked, parse, context)
        # a platform (微信, 支付宝) makes loans likely, but only a loan product vouches for mostly unknown wording
        # a bank or other lender named with a question the documents answer about it ("传统银行贷款一般年化多少")
        # vouches for it as a loan product does
        vouched = bool(ranked) and any(o in self._references_ids and self._covers(ranked[0][0], o) for o in e.others)
        evidence = bool(e.products) or any(o not in self._generic for o in e.others)
        ranking = rank(ranked, domain=evidence or context.intent is not None,
                       unknown=parse.unknown, named=bool(e.products) or vouched,
                       conversation=context.intent is not None)
        # as typed ("明白了，谢谢" thanks: the parse leaves courtesy out)
        if (not (e.products or e.slots()) and len(parse.text) <= MAX_REPLY_CHARS
                and _only_replies(normalize(parse.text).replace(" ", ""))):
            # "不是", "是真的吗", "对" after an answer: no topic of their own, the conversation's or another; an
            # acknowledgement the small talk knows ("好的", "知道了": thanks) is that small talk
            said = _said(parse.folded)
            if said == "ack" and ranking.kind == "answer" and ranking.intent in self._smalltalk:
                return Chosen(ranking.intent, ranking.score, f"a reply to what was said: {ranking.intent}")
            return Chosen(None, 0.0, f"a reply to what was said ({said}), nothing asked", said=said)
        if context.intent and context.intent not in self._smalltalk and self._follows_up(parse, context, ranking):
            return Chosen(context.intent, FOLLOW_UP_SCORE, "follow-up: only a product, amount or term changes",
                          follow_up=True)
        if _BEGUN.fullmatch(parse.compact):
            return Chosen(None, 0.0, "a question begun, nothing asked yet")  # "我想知道", "那个", "请问"
        switched = self._switch(parse, context, ranking)
        if switched is not None:
            return Chosen(switched, FOLLOW_UP_SCORE, f"follow-up on another topic of the conversation ({switched})",
                          follow_up=True)
        # "我想借2万" asks whether that much can be borrowed, when the best intent takes an amount (the limits answer
        # it); a bare "2万" asks nothing
        wants = (e.values.amount is not None and _BORROW.search(parse.folded) is not None and bool(ranked)
                 and "amount" in self.intents[ranked[0][0]].slots)
        if not parse.residue and not e.products and not context.intent and not wants:
            return Chosen(None, 0.0, "a bare number with nothing to refer to")
        calculation = self._calculation(parse, context)
        if calculation is not None:
            return Chosen(calculation, FOLLOW_UP_SCORE, f"a bare term after an amount: the calculation ({calculation})",
                          follow_up=True)
        if self._bare_amount(parse, context):
            # "借呗怎么开通" then "要是2万呢": whether that much can be borrowed, as "借2万呢" asks (not whichever topic
            # a bare "…呢" matches best)
            return Chosen(self.maximum, FOLLOW_UP_SCORE, "a bare amount after a topic that takes none: the limits "
                          "against it", follow_up=True)
        if not _own_wording(parse.residue) and not e.products and not wants:
            topic = None if context.intent in self._smalltalk else context.intent
            if topic is None:
                return Chosen(None, 0.0, "only question words, nothing asked about")  # "能不能吧", "怎么办"
            if not e.slots() and _QUESTION.search(parse.folded):
                # "借呗逾期了" then "怎么办": not whichever topic the bare words match best (closing an account), but
                # the conversation's topic and its related ones, one tap away
                options = tuple(dict.fromkeys((topic, *self.intents[topic].related)))[:MAX_OPTIONS]
                return Chosen(None, 0.0, f"only question words after {topic}: its topic and the related ones offered",
                              options=options)
        if (len(e.products) == 1 and not e.slots() and _names_only(parse.residue)
                and _names_only(clean(parse.without_names).replace(" ", ""))):
            # "微粒贷", "那借呗呢", "不是微粒贷，是借呗", "借呗怎么样" with nothing before
            return Chosen(self.overview, BARE_SCORE, "a bare product name")
        if ranking.kind == "answer" and ranking.intent is not None:
            uncovered = self.intents[ranking.intent].kind == "uncovered"
            continuing = ranking.intent == context.intent and not e.slots()
            if uncovered and parse.unknown >= UNCOVERED_UNKNOWN and not (
                    e.products or _LOAN_WORDS.search(parse.folded) or continuing):
                # "茅台股票还能买吗"; the conversation topic going on ("借呗额度没了" then "怎么恢复") is about it
                return Chosen(None, 0.0, "uncovered topic without any word about borrowing")
            if ranking.intent == self.comparison and parse.unknown >= COMPARE_UNKNOWN and not (
                    e.products or e.others or context.products or _LOAN_TERMS.search(parse.folded)):
                # "借条和欠条有什么区别", "苹果和三星哪个好": what is compared is none of ours
                return Chosen(None, 0.0, f"a comparison of things unknown to every intent ({parse.unknown:.0%})")
            return Chosen(ranking.intent, ranking.score, ranking.reason)
        if len(e.products) >= 2 and not _BETWEEN.sub("", parse.residue):
            return Chosen(self.comparison, BARE_SCORE, "two products and nothing else: compare")
        if ranking.kind == "suggest" and len(ranked) >= 2:
            # "微粒贷审批快吗还有最高额度多少": the two best tie because each clause asks one of them
            asked = self._clause_questions(parse, ranked[0][0])
            if {ranked[0][0], ranked[1][0]} <= set(asked):
                return Chosen(asked[0], ranking.score, f"{ranking.reason}; but its clauses ask each of the two: both")
        return Chosen(None, ranking.score, ranking.reason, suggest=ranking.kind == "suggest")

    def _references(self, parse: Parse, context: Context) -> tuple[str, ...]:
        """Products besides the loans that the conversation's intent has facts about ("银行呢" after an overdue-rate
        answer: the banks' figure)."""
        intent = context.intent
        if intent is None or intent not in self.intents or _COMPARING.search(parse.folded):
            return ()  # "比银行低吗" compares the conversation's product with the banks: that product stays
        return tuple(o for o in parse.entities.others if self._covers(intent, o))

    def _switch(self, parse: Parse, context: Context, ranking: Ranking) -> str | None:
        """"逾期呢" after a prepayment question, "利息呢" after a comparison: a short question about another topic of
        the same conversation. Among the candidates close to the top, the one that uses the conversation's numbers
        (its ``slots``) the most; the products and numbers of the conversation stay."""
        if context.intent is None or parse.entities.products or len(parse.residue) > MAX_SWITCH_RESIDUE:
            return None
        if not _SWITCH.match(parse.folded) or not parse.candidates:
            return None
        top = parse.candidates[0].score
        # the conversation's own numbers; the user's facts kept from earlier questions (an amount, a 芝麻分) say
        # nothing of its topic
        used = set(self._used(context)) | (set(context.slots.given()) - set(USER_FACTS))
        close = [c for c in parse.candidates if c.score >= top - SUGGEST_SPREAD and c.score >= DOMAIN_SUGGEST_SCORE
                 and self.intents[c.intent].kind == "answer" and self.intents[c.intent].product_scope != "none"
                 and self._answered(c.intent, context.products)]  # "逾期呢" after 借呗: not its (absent) bad-debt rate
        if not close:
            return None
        # a topic about the user's own loan (it takes numbers: 罚息, 利息, 额度) before one about the lender's figures
        # ("逾期呢" after a rate question asks the penalty, not the bad-debt rate) when they score alike
        best = max(close, key=lambda c: (len(used & set(self.intents[c.intent].slots)),
                                         c.score + (SWITCH_PERSONAL_LEAD if self.intents[c.intent].slots else 0.0)))
        return best.intent

    def _calculation(self, parse: Parse, context: Context) -> str | None:
        """"借呗借5000" then "60天": a bare term (no other wording, no product) after a question whose intent
        ``calculates`` once it has an amount and a term is that calculation, with the conversation's amount."""
        if parse.residue or parse.entities.products or context.intent is None:
            return None
        calculates = self.intents[context.intent].calculates
        values = parse.entities.values
        if calculates is None or not (values.days or values.months):
            return None
        return calculates if (values.amount or context.slots.amount) is not None else None

    def _bare_amount(self, parse: Parse, context: Context) -> bool:
        """Only an amount (no other wording, no term), after a question about a topic that takes no amount."""
        values = parse.entities.values
        return (not parse.residue and values.amount is not None and not (values.days or values.months)
                and context.intent is not None and context.intent not in self._smalltalk
                and "amount" not in self.intents[context.intent].slots)

    def _follows_up(self, parse: Parse, context: Context, ranking: Ranking) -> bool:
        """A short message that only changes a product, amount or term of the previous question."""
        slots = set(self._in_context(parse, context).given())
        end = _bare_end(parse)
        if not (parse.entities.products or slots or self._references(parse, context) or end):
            return False  # "最低呢" after a 芝麻分 or rate question asks the same again: its answer has the low end
        unsure = ranking.kind != "answer" or ranking.score < CONFIDENT_SCORE
        # "不对，我问的是借呗", "不是，是2万", "按最低利率算呢", "等额本金呢": only which product, number or rate
        residue = without_worded(_RESTATING.sub("", parse.residue), parse.entities.values).strip("是")
        if _HOW_IS.fullmatch(residue):  # "那借呗怎么样": the same question of another product (else its overview)
            return bool(parse.entities.products) and not set(parse.entities.products) <= set(context.products)
        residue = residue if _PARTICLES.sub("", residue) and not end else ""  # "借了2万": the amount only
        if len(residue) > FOLLOW_UP_RESIDUE and not (unsure and _FOLLOW_UP_MARK.match(parse.folded)):
            return False  # a new question ("那微粒贷的借款记录上不上" follows up only because nothing else is sure)
        if slots and not slots <= set(self._used(context)):
            return False  # 借1万用30天呢 after a rate question is a new, calculating question
        return not residue or unsure

    def _used(self, context: Context) -> tuple[str, ...]:
        """The slots the conversation's intent uses (none without a live question)."""
        known = self.intents.get(context.intent) if context.intent is not None else None
        return known.slots if known is not None else ()

    def _in_context(self, parse: Parse, context: Context) -> SlotValues:
        """The message's numbers as the question it follows reads them: a bare term after an overdue question is the
        overdue days ("10天呢"), a bare number after a 芝麻分 question the score ("我只有590", not "借500呢"), a bare
        "最低呢" the least amount after a limit question and the lowest rate after a rate or cost question."""
        values = parse.entities.values
        used = self._used(context)
        end = _bare_end(parse)
        if end is not None and "least" in used:
            return replace(values, least=end in _LOW_ENDS)
        if end is not None and "bound" in used:
            return replace(values, bound="low" if end in _LOW_ENDS else "high")
        if values.days is not None and values.overdue_days is None and "days" not in used and "overdue_days" in used:
            return replace(values, days=None, overdue_days=values.days)
        amount = values.amount
        if (amount is not None and values.score is None and "score" in used and "amount" not in used
                and amount == amount.to_integral() and MIN_SCORE <= amount <= MAX_SCORE
                and not _MONEY_WORDS.search(parse.folded)):
            return replace(values, amount=None, score=int(amount))
        return values

    def _unmatched(self, parse: Parse, context: Context, chosen: Chosen) -> Decision:
        score, reason = chosen.score, chosen.reason
        products = parse.entities.products  # still meant by the next question ("它最多给多少额度")
        slots = Slots.of(context.slots.updated(parse.entities.values))  # … and so are its numbers (a button)
        if chosen.options:
            return Decision("suggest", None, score, reason, products or context.products, slots, options=chosen.options)
        if not chosen.suggest:
            return Decision("decline", None, score, reason, products, slots)
        options = []
        for candidate in parse.candidates[:3]:
            spec = self.intents[candidate.intent]
            if candidate.score < score - SUGGEST_SPREAD or spec.kind == "smalltalk":
                continue
            # no menu of topics that share nothing with the question, unless it scores this close to it
            if candidate.score >= RELEVANT_SCORE or self._relevant(parse, candidate.intent):
                options.append(candidate.intent)
        if not options:
            return Decision("decline", None, score, reason + "; no suggestion shares a word with the question",
                            products, slots)
        return Decision("suggest", None, score, reason, products, slots, options=tuple(options))

    # ---------------------------------------------------------------- what is answered, for which products
    def _answer(self, intent: str, chosen: Chosen, parse: Parse, context: Context) -> Decision:
        score, reason = chosen.score, chosen.reason
        e = parse.entities
        shown = self._shown_interest(intent, parse, context)
        if shown is not None:
            intent, reason = shown, reason + "; the interest of the plan or early repayment just shown"
        spec = self.intents[intent]
        products = e.products or self._references(parse, context)
        same = intent == context.intent
        follow_up = same or chosen.follow_up  # the products carry over
        if (not products and spec.product_scope == "per_product" and context.products
                and not _WHICH.search(parse.compact)):
            products = context.products if (follow_up or e.slots() or len(context.products) == 1) else ()
        if not products and intent == self.comparison and len(context.products) >= 2:
            products = context.products  # 哪个利息更低 right after comparing two products
        if chosen.follow_up and "比" in parse.folded and e.products and context.products:
            products = tuple(dict.fromkeys((*context.products, *products)))  # "比微粒贷高吗": both, side by side
        if not products and spec.product_scope == "per_product":
            own = [p for p in e.others if self._covers(intent, p)]
            if len(own) == 1:
                products = tuple(own)  # "芝麻分怎么提高": 芝麻信用's own factors, not each loan's
        # the conversation's numbers carry over to the slots this intent uses ("借呗借两万" then "分6期每月还多少")
        kept = context.slots if same else SlotValues(**{n: v for n, v in context.slots.given().items()
                                                              if n in spec.slots})
        unused = {n: None for n in USER_FACTS if n not in spec.slots and getattr(kept, n) is not None}
        if unused:  # the user's facts kept for other questions: not this answer's (nor its memo key's) numbers
            kept = replace(kept, **unused)
        values = kept.updated(self._in_context(parse, context) if same else e.values)
        carried = context.facts_for(products)  # 借呗's rate is not 微粒贷's ("那微粒贷呢")
        stale = {n: None for n in USER_FACTS
                 if n not in carried and getattr(values, n) is not None and getattr(e.values, n) is None}
        if stale:
            values = replace(values, **stale)
        slots = Slots.of(values)
        kind: DecisionKind = "follow_up" if chosen.follow_up else "answer"
        if _ADVICE.search(parse.folded) and spec.kind != "smalltalk":
            slots = replace(slots, advice=True)
            kind = "advice"
            if len(products) != 1:
                intent, reason = self.comparison, reason + "; asks which to borrow: a neutral comparison"
        if stated := parse_stated(parse.folded):
            slots = replace(slots, stated=stated)  # 实名4个月, 每周3笔 … for a verdict
        intent = self._needed(intent, slots, e.unstated)
        if spec.calculates and slots.amount is not None and (slots.days or slots.months):
            intent, reason = spec.calculates, reason + f"; an amount and a term: the calculation ({spec.calculates})"
        asked = (self._also(parse, intent) if not same else ()) or (intent,)
        effect = self._effect(parse, intent)
        if effect is not None and effect not in asked:
            asked, reason = (*asked, effect)[:MAX_ASKED], reason + f"; asks about an effect: {effect} too"
        joined = self._joined(parse, asked)
        if joined is not None:
            asked, reason = (*asked, joined)[:MAX_ASKED], reason + f"; a second topic joined by 和: {joined}"
        return self._kind(Decision(kind, intent, score, reason, products, slots, asked))

    def _joined(self, parse: Parse, asked: tuple[str, ...]) -> str | None:
        """An uncovered topic named after 和/跟/还有 at the end of a question about another ("微粒贷要不要芝麻分和征信":
        征信 too, which the documents don't cover), not yet among ``asked``."""
        absorbed = self.intents[asked[0]].absorbs if asked else ()
        for match in _JOINED.finditer(parse.folded):
            rest = match.group("rest")
            for end in range(len(rest), 0, -1):  # the longest cue word that only a particle follows
                if not _JOINED_TAIL.fullmatch(rest[end:]):
                    continue
                for topic in self._uncovered_by_word.get(rest[:end], ()):
                    if topic not in asked and topic not in absorbed:  # "借呗和网商贷一样吗" compares: absorbed
                        return topic
        return None

    def _absorbed(self, ranked: list[tuple[str, float]], folded: str) -> list[tuple[str, float]]:
        """``ranked`` with an intent that absorbs the best one leading in its place, at its score, when it is within
        ABSORB_LEAD of it and the message has one of its cue words; the absorbed one is then no rival."""
        if not ranked:
            return ranked
        top, score = ranked[0]
        for intent, value in ranked[1:3]:
            spec = self.intents[intent]
            if (top in spec.absorbs and value >= score - ABSORB_LEAD
                    and self._cued(intent, folded)):
                return _led_by(ranked, intent)
        return ranked

    def _absorbed_by_context(self, ranked: list[tuple[str, float]], parse: Parse,
                             context: Context) -> list[tuple[str, float]]:
        """``ranked`` with the conversation's intent leading in place of an uncovered topic it absorbs, for a short
        message that names no product and no number: "要手续费吗" right after early repayment asks its fee (which
        the documents give), not about other fees in general."""
        if not (ranked and context.intent) or parse.entities.products or parse.entities.slots():
            return ranked
        top = ranked[0][0]
        if (top in self.intents[context.intent].absorbs and self.intents[top].kind == "uncovered"
                and len(parse.compact) <= MAX_BARE_CHARS):
            return _led_by(ranked, context.intent)
        return ranked

    def _which_after_verdict(self, ranked: list[tuple[str, float]], parse: Parse,
                             context: Context) -> list[tuple[str, float]]:
        """``ranked`` with the conversation's verdict leading for "能开哪个" right after it: which of the loans the
        芝麻分 already given reaches (it got how to open each of them)."""
        if (ranked and context.intent is not None and context.slots.score is not None
                and "score" in self.intents[context.intent].slots and not parse.entities.products
                and _WHICH.search(parse.compact)):
            return _led_by(ranked, context.intent)
        return ranked

    def _shown_interest(self, intent: str, parse: Parse, context: Context) -> str | None:
        """"利息一共多少" right after an instalment plan or an early repayment, with no new term: that intent again,
        whose answer shows the interest (the plan's total; the days used before repaying), not the interest of the
        whole term; None otherwise."""
        if context.intent is None or self.intents[intent].answer != "interest":
            return None
        values, shown = parse.entities.values, self.intents[context.intent].answer
        repaid_early = shown == "prepayment" and context.slots.repay_day is not None
        if (shown == "instalments" or repaid_early) and values.days is None and values.months is None:
            return context.intent
        return None

    def _effect(self, parse: Parse, intent: str) -> str | None:
        """The uncovered topic a question about the effect of ``intent`` asks ("借呗提前还款会影响额度吗": the limit,
        not the fee the prepayment answer gives): the first of its ``effects`` whose keywords or title words the
        question has, else the first."""
        effects = self.intents[intent].effects
        if not effects or not EFFECT.search(parse.folded):
            return None
        pairs = bigrams(parse.folded)
        for topic in effects:
            spec = self.intents[topic]
            if self._cued(topic, parse.folded) or {p for p in bigrams(spec.title) if p.isalpha()} & pairs:
                return topic
        return effects[0]

    def _kind(self, decision: Decision) -> Decision:
        """The kind of reply the leading question gets: small talk, an uncovered topic, or asking which product."""
        assert decision.intent is not None
        lead = decision.asked[0] if decision.asked else decision.intent
        spec = self.intents[lead]
        if lead != decision.intent:
            decision = replace(decision, intent=lead)
        if spec.kind == "smalltalk":
            return replace(decision, kind="smalltalk", products=())
        unanswered = tuple(a for a in decision.asked if not self._answered(a, decision.products))
        if unanswered:
            decision = replace(decision, unanswered=unanswered)
        if decision.asked and len(unanswered) == len(decision.asked):
            answerable = [a for a in unanswered if self.intents[a].kind == "answer"]
            why = f"; the documents have no facts on {', '.join(answerable)} for {', '.join(decision.products)}" \
                if answerable else ""
            return replace(decision, kind="uncovered", reason=decision.reason + why)
        if spec.product_scope == "per_product" and not decision.products and spec.ask_product:
            return replace(decision, kind="ask_product",
                           reason=decision.reason + "; no product named and the intent asks back which one")
        return decision

    def _answered(self, intent: str, products: tuple[str, ...]) -> bool:
        """Whether the documents answer ``intent`` for ``products``: an uncovered topic never; a listing asked about
        products only when it has facts about one of them ("借呗的还款方式": the documents give 微粒贷's only, so
        for 借呗 it is a topic they don't cover). Other renderers say themselves what is missing."""
        spec = self.intents[intent]
        if spec.kind == "uncovered":
            return False
        if spec.answer != "listing" or spec.product_scope != "per_product" or not products:
            return True
        return any(self._covers(intent, p) for p in products)

    def _needed(self, intent: str, slots: Slots, unstated: frozenset[str] = frozenset()) -> str:
        """A calculating intent asked without any slot it needs (given or masked: "借***万") is answered as its
        ``otherwise`` intent."""
        spec = self.intents[intent]
        given = {n for n in spec.needs if getattr(slots, n) is not None} | (set(spec.needs) & unstated)
        if spec.needs and spec.otherwise and not given:
            return spec.otherwise
        if spec.otherwise and slots.amount is None and slots.days == 1 and not slots.months:
            return spec.otherwise  # "WE2000一天利息多少" asks the daily rate, not the cost of one day
        return intent

    def _also(self, parse: Parse, intent: str) -> tuple[str, ...]:
        """All questions of one message in order ("最高能借多少，要多少芝麻分" → max_amount, zhima_requirement) when its
        clauses are confidently of different intents (answerable or uncovered); () for a message that asks one thing."""
        found = self._clause_questions(parse, intent)
        if found and intent not in found:
            found.insert(0, intent)  # the message's own best intent leads when no clause named it
        return tuple(found[:MAX_ASKED]) if len(found) > 1 else ()

    def _clause_questions(self, parse: Parse, intent: str) -> list[str]:
        """The intents the message's clauses confidently ask, in order (those ``intent`` absorbs left out)."""
        clauses = [c for c in _CLAUSE.split(parse.typed) if c.strip()]  # folded: 嗎 asks as 吗 does
        if len(clauses) < 2:
            return []
        found: list[str] = []
        # the whole message is surely one question: a clause that asks nothing ("借呗提前还款，…还能再借吗") is its
        # setting, not a second question
        sure = parse.top is not None and parse.top.score >= SURE_SCORE
        for clause in clauses:
            asks = _QUESTION.search(clause) is not None
            if not asks and (len(clauses) > 2 or sure):
                continue  # "我芝麻分580，实名4个月，能申请哪个": the first clauses state conditions (not parsed)
            sub = self._parse(clause)
            top = sub.top
            if top is None or top.score < CONFIDENT_SCORE or len(sub.residue) < MIN_CLAUSE_RESIDUE:
                continue
            if not asks and top.score < SURE_SCORE:
                continue  # "余额宝里的钱不够，…会不会扣余额": a statement is the setting unless it is surely a topic
            own = _own_wording(sub.residue)
            if len(own) < MIN_CLAUSE_CONTENT:
                continue  # "能不能吧，…": question words alone ask nothing of their own
            if _EFFECT_ONLY.fullmatch(own):
                continue  # "借呗逾期一天，会有影响吗": the effect of what the message says, not a topic of its own
            spec = self.intents[top.intent]
            if spec.product_scope == "none" or (spec.needs and self._needed(top.intent, Slots.of(
                    parse.entities.values), parse.entities.unstated) != top.intent):
                continue  # a calculation is a question of its own only with the numbers it needs
            if top.intent not in found and top.intent not in self.intents[intent].absorbs \
                    and not self._interest_shown(intent, top.intent, parse):
                found.append(top.intent)
        return found

    def _interest_shown(self, lead: str, asked: str, parse: Parse) -> bool:
        """Whether the interest a clause asks ("…，要多少利息") is the one the lead's answer shows: the days used
        before an early repayment ("借2万用了10天就还，要多少利息"), not a second calculation of an example term."""
        return (self.intents[asked].answer == "interest" and self.intents[lead].answer == "prepayment"
                and parse.entities.values.repay_day is not None)
