"""One ``parse`` call: normalize → entities → mask → segment → match; one structured result."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..knowledge.base import KnowledgeBase
from ..knowledge.labels import TOPIC_LABELS
from ..memo import Memo
from ..text.normalize import clean, fold, normalize
from ..text.numbers import written_numbers
from .entities import Entities, ProductFinder, extract_numbers, unstated_slots
from .intents import PLACEHOLDERS, Intent, occurs
from .matcher import Candidate, Form, IntentMatcher
from .pinyin import PinyinReader
from .slots import SLOT_NAMES, SPECS
from .tokenizer import Tokenizer

# What a numeric slot is replaced by before matching, so "借2万30天" and "借1万60天" look alike.
_MASKS = {name: spec.mask for name, spec in SPECS.items() if spec.mask}
_MASKS_LONGEST_FIRST = sorted(_MASKS.values(), key=len, reverse=True)
_MASK_WORDS = frozenset(_MASKS.values()) | {"几天", "几个", "个月", "多少"}
# A suggestion must share at least this much IDF weight of content words with the question (one word that
# fewer than about a third of the intents use).
RELEVANT_WEIGHT = 1.0
# Words that open a question and ask nothing themselves ("我想知道微粒贷放款要多久", "那个借呗怎么还款")
QUESTION_OPENINGS = ("请问", "麻烦问一下", "麻烦问下", "我想知道", "我想问一下", "我想问下", "想问一下", "想问下",
                     "问一下", "问下", "那个")
# Courtesy at either end of a question; it is matched without it when enough is left.
_POLITE = re.compile(r"^[\s,，。.!！]*(?:你好|您好|" + "|".join(QUESTION_OPENINGS) + r"|麻烦|哈喽|在吗)+[\s,，。.!！]*"
                     r"|[\s,，。.!！]*(?:谢谢你?|谢谢啦|谢了|多谢|感谢)+[\s,，。.!！~]*$")
MIN_AFTER_POLITE = 3
# A list number in front of the question, as people paste numbered questions ("1:看不到微粒贷图标", "2为什么没有微粒贷",
# "3.如何获得资格"): not an amount or a term (a unit or number word follows those: 1万, 3个月, 2.5万)
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}(?:[:：、)）]|\.(?!\d)|"
                          r"(?=[\u4e00-\u9fff])(?![万千百元块天个期月年号点岁分几多周日次笔倍成折]|小时|钟头))\s*")
# Spaces between Chinese characters, or between a Chinese character and a digit, carry nothing — except between
# two numbers in words, which they keep apart ("借一千五 十天" is 1500元 for 10 days, not 1050 days).
_NUMERAL = "零〇一二三四五六七八九十百千万亿两"
_LOOSE_SPACE = re.compile(rf"(?<=[\u4e00-\u9fff])(?<![{_NUMERAL}])\s+(?=[\u4e00-\u9fff0-9])|"
                          rf"(?<=[{_NUMERAL}])\s+(?=[\u4e00-\u9fff])(?![{_NUMERAL}])|"
                          r"(?<=[0-9])\s+(?=[\u4e00-\u9fff])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A number hidden by masking (stars, as customer-service logs write them): read as an unstated number.
_MASKED_NUMBER = re.compile(r"\*{2,}")
# Words that carry no intent: what is left of "那借呗呢" or "如果借2万呢" once entities are masked.
_FILLER = re.compile(r"那么|那边|这边|那|呢|如果|要是|假如|的话|换成|改成|还是|也是这样|也这样|这样|也一样|一样|"
                     r"同样|也是|够不够|够吗|行不行|行吗|可以吗|吗|吧|啊|呀|嘛|哦|哈|借|用|我|想|再|问|一下|呗$|\s")


# Question words written several ways are matched in the examples' common form ("如何还款" asks 怎么还款): a rare
# synonym would otherwise weigh as a topic word (如何 is in a few examples of one intent, 怎么 in every intent's).
# So are two verbs no example uses (更改 → 修改, 清除 → 删除) and 哪儿 (在哪儿 → 在哪).
# Only the question is rewritten; the examples keep their wording (and the vocabulary its weights).
_SAME_QUESTION = re.compile(r"如何(?=[\u4e00-\u9fff])|怎么样(?=[\u4e00-\u9fff])(?!的)|怎样(?=[\u4e00-\u9fff])|"
                            r"咋(?!样)|为何|为啥|为什(?!么)|何时|啥时候|几时|多少号|是啥(?!意思)|哪儿|更改|清除")
_CANONICAL = {"如何": "怎么", "怎么样": "怎么", "怎样": "怎么", "咋": "怎么", "为何": "为什么", "为啥": "为什么",
              "为什": "为什么", "何时": "什么时候", "啥时候": "什么时候", "几时": "什么时候", "多少号": "几号",
              "是啥": "是什么", "哪儿": "哪", "更改": "修改", "清除": "删除"}


# 在 typed for 再 after a modal verb: "还能在借吗" asks to borrow again; 在 stays where it says where or when
# ("能在借呗里借吗", "可以在借款后30天内还清", "能在开户行还吗")
_AGAIN_TYPO = re.compile(r"(可以|能)在(借(?![呗唄])(?![^，,。？?！!]{0,2}(?:后|期间))|开(?!户)|申请|用(?!户)|分期)")


def _canonical(text: str) -> str:
    return _SAME_QUESTION.sub(lambda m: _CANONICAL[m.group()], text)


def _splice(text: str, pieces: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end) span replaced by its replacement (spans do not overlap)."""
    out, last = [], 0
    for start, end, replacement in sorted(pieces):
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


_JOINING = frozenset("和跟与")  # "网商贷跟借呗": the word that joins a loan name to what comes before it


def _without_names(folded: str, entities: Entities, joined: bool = False) -> str:
    """``folded`` with the loan names taken out ("我的额度" for "我借呗的额度"); ``joined``: with the word joining
    each to what comes before it too ("网商贷是什么关系" for "网商贷跟借呗是什么关系")."""
    return _splice(folded, [(s - 1 if joined and s and folded[s - 1] in _JOINING else s, e, "")
                            for s, e in entities.product_spans])


def _cue_text(folded: str, entities: Entities) -> str:
    """Where keywords and cues are looked for: the text as typed and with the loan names (and a 和/跟/与 before
    one) taken out ("我借呗的额度" has the cue 我的额度, "网商贷跟借呗是什么关系" 网商贷是什么关系), and without its
    numbers when it names a term ("借7600元分12期" has the cue 分期); "|" joins them so that no cue spans two."""
    text = folded
    if entities.product_spans:
        text += "|" + _without_names(folded, entities, joined=True)
    if entities.values.months is not None and (unnumbered := _DIGITS.sub("", folded)) != folded:
        text += "|" + unnumbered
    return text


LETTER_SPACED = 0.7  # a message most of whose space-separated pieces are one character is typed letter by letter


def _unspaced(text: str) -> str:
    """"借 呗 借 三 万 用 4 5 天" typed letter by letter reads as one word: its spaces carry nothing, not even between
    digits (elsewhere "借15000 30天" keeps digits apart)."""
    pieces = text.split()
    if len(pieces) >= 4 and sum(len(p) == 1 for p in pieces) >= LETTER_SPACED * len(pieces):
        return "".join(pieces)
    return text


@dataclass(frozen=True)
class Parse:
    """What the bot understood of one message."""

    text: str  # as typed
    typed: str  # the text folded and nothing else (NFKC, Simplified, lower case): what clauses are split on
    folded: str  # folded, numbers written as digits, courtesy and list numbers dropped: what is understood
    entities: Entities
    candidates: tuple[Candidate, ...]  # best first
    residue: str  # what is left once entities and filler words are removed ("" for a bare follow-up)
    unknown: float = 0.0  # share of the question's word weight that no intent knows (off-topic evidence)
    passed_over: tuple[str, ...] = ()  # intents that scored first but lack a word they ``require``
    form: Form | None = field(default=None, repr=False, compare=False)  # the matching form (masked, segmented)

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @cached_property
    def cue_text(self) -> str:
        """Where keywords and cues are looked for (``_cue_text``; kept once computed: each suggestion reads it)."""
        return _cue_text(self.folded, self.entities)

    @cached_property
    def compact(self) -> str:
        """The folded text without punctuation, emoji and spaces (kept once computed: several rules read it)."""
        return clean(self.folded).replace(" ", "")

    @property
    def without_names(self) -> str:
        """The folded text with the loan names taken out ("那呢？" for "那借呗呢？")."""
        return _without_names(self.folded, self.entities)


class Understanding:
    """Entity parsers and the intent matcher over one knowledge base and one intent set."""

    def __init__(self, kb: KnowledgeBase, intents: tuple[Intent, ...], tokenizer: Tokenizer) -> None:
        self.kb = kb
        self.intents = {i.id: i for i in intents}
        self._cues = {i.id: tuple(cue.lower() for cue in i.cues) for i in intents}  # a cue makes a suggestion relevant
        self.tokenizer = tokenizer
        self._forms: Memo[str, Form] = Memo(4096)
        self._parses: Memo[str, Parse] = Memo(4096)
        aliases: dict[str, str] = {}
        for product in kb.products:
            for alias in (product.name, *product.aliases):
                aliases[fold(alias).replace(" ", "")] = product.id
        self.products = ProductFinder(aliases, {p.id for p in kb.loan_products})
        self._names = frozenset(aliases)
        tokenizer.add_words([*aliases, *TOPIC_LABELS.values(), *(k for i in intents for k in i.keywords)])
        saved = tokenizer.load_segments()  # a previous run's segmentations of the same texts and words
        examples = []
        for intent in intents:
            for example in intent.examples:
                filled = example
                for placeholder in PLACEHOLDERS:
                    filled = filled.replace(placeholder, "")
                examples.append((intent.id, self._form(self._mask(fold(filled))[0]), example))
        hints: dict[str, tuple[str, ...]] = {  # the YAML's hints
            slot: tuple(i.id for i in intents if slot in i.hints) for slot in SLOT_NAMES}
        self.matcher = IntentMatcher(intents, examples, hints, self._topic_vocabulary(intents))
        # "weilidai zui gao neng jie duo shao" is read in the bot's own words (the table is built on first use)
        self.pinyin = PinyinReader([*(e for _, _, e in examples), *(k for i in intents for k in i.keywords),
                                    *(f"{f.label or ''} {f.text}" for f in kb.facts), *aliases], tokenizer.tokens,
                                   lambda: tokenizer.segments_path().name)
        if not saved:
            tokenizer.save_segments()

    def parse(self, text: str) -> Parse:
        """Understand one message (memoized on the text: a ``Parse`` is immutable and depends on nothing else)."""
        return self._parses.get(text, lambda: self._parse(text))

    def _parse(self, text: str) -> Parse:
        folded = typed = fold(text)
        if self.pinyin.looks_like(folded) and clean(folded).replace(" ", "") not in self._names:
            folded = self.pinyin.read(folded)  # "jiebei lixi" → "借呗利息" (a product name such as WE2000 stays)
        folded = _MASKED_NUMBER.sub("几", folded)  # "借***元" → "借几元": a number the user did not give
        folded = written_numbers(folded)  # "借一点五万" → "借1.5万", "借5,000元" → "借5000元"
        folded = _LOOSE_SPACE.sub("", _unspaced(folded))  # "借 呗 借 三 万" → "借呗借三万"
        folded = _AGAIN_TYPO.sub(r"\1再\2", folded)  # "还了可以在借吗" → "还了可以再借吗"
        polite = _POLITE.sub("", _LIST_NUMBER.sub("", folded))
        if len(clean(polite)) >= MIN_AFTER_POLITE:
            folded = polite  # "帮忙关闭微粒贷谢谢" asks to close it; the thanks is courtesy (and "1:" a list number)
        masked, entities = self._mask(folded)
        form = self._form(_canonical(masked))
        candidates, unknown, passed = self.matcher.analyse(form, _cue_text(folded, entities),
                                                           frozenset(entities.slots()))
        residue = _FILLER.sub("", form.chars)
        for mask in _MASKS_LONGEST_FIRST:
            residue = residue.replace(mask, "")
        return Parse(text=text, typed=typed, folded=folded, entities=entities, candidates=tuple(candidates),
                     residue=residue, unknown=unknown, passed_over=passed, form=form)

    def relevant(self, parse: Parse, intent: str) -> bool:
        """Whether ``intent`` shares a content word with the question (product and platform names aside):
        a suggestion must, or it is an unrelated menu. One of its ``cues`` in the question is such a word."""
        cues = self._cues.get(intent, ())
        if cues and any(occurs(cue, parse.cue_text) for cue in cues):
            return True
        form = parse.form or self._form(self._mask(parse.folded)[0])
        tokens = [t for t in form.tokens if len(t) > 1 and t not in self._names and t not in _MASK_WORDS]
        return self.matcher.shared_weight(tokens, intent) >= RELEVANT_WEIGHT

    def nearest_example(self, text: str) -> tuple[str, float]:
        """The intent example closest to ``text`` as it is matched (normalized the way ``parse`` does, masked,
        products blanked) and its rapidfuzz ratio."""
        form = self.parse(text).form
        return self.matcher.nearest(form) if form is not None else ("", 0.0)

    # ---- internals
    def _mask(self, folded: str) -> tuple[str, Entities]:
        compact = folded
        mentions, _ = self.products.find(compact)
        loan_spans = [(s, e) for pid, s, e in mentions if self.products.is_loan(pid)]
        blanked = list(compact)
        for s, e in loan_spans:  # only loan names are blanked: 芝麻分 stays readable for the score
            blanked[s:e] = [" "] * (e - s)
        slots, number_spans = extract_numbers("".join(blanked))
        masked = _splice(compact, [*((s, e, "") for s, e in loan_spans),
                                   *((s, e, _MASKS[name]) for name, (s, e) in number_spans if name in _MASKS)])
        loans: list[str] = []
        others: list[str] = []
        outside: list[str] = []
        # "不是微粒贷，是借呗": a loan named only to say it is not meant, beside one that is
        negated = {pid for pid, s, _ in mentions if compact[max(0, s - 2):s] == "不是" and compact[s - 3:s - 2] != "是"}
        meant = {pid for pid, _, _ in mentions if self.products.is_loan(pid)} - negated
        for pid, s, e in mentions:
            if pid in negated and meant:
                continue
            bucket = loans if self.products.is_loan(pid) else others
            if pid not in bucket:
                bucket.append(pid)
            if self.kb.product(pid).kind == "outside" and compact[s:e] not in outside:
                outside.append(compact[s:e])
        entities = Entities(products=tuple(loans), others=tuple(others), outside=tuple(outside),
                            product_spans=tuple(loan_spans), unstated=unstated_slots(compact), values=slots)
        return masked, entities

    def _topic_vocabulary(self, intents: tuple[Intent, ...]) -> dict[str, set[str]]:
        """Per intent, the words of the knowledge base that answer it: topic names, fact labels and wording."""
        vocab: dict[str, set[str]] = {}
        for intent in intents:
            words: set[str] = set()
            for topic in intent.topics:
                words.update(self.tokenizer.tokens(normalize(TOPIC_LABELS[topic])))
                for fact in (f for f in self.kb.facts if f.topic == topic):
                    words.update(self.tokenizer.tokens(normalize(f"{fact.label or ''} {fact.text}")))
            vocab[intent.id] = {w for w in words if not w.isdigit()}
        return vocab

    def _form(self, masked: str) -> Form:
        """Matching forms of folded (already normalized-case) text (memoized: segmenting is the costly part)."""
        return self._forms.get(masked, lambda: self._segment(masked))

    def _segment(self, masked: str) -> Form:
        text = clean(masked)
        tokens = self.tokenizer.tokens(text.replace(" ", ""))
        return Form(chars=text.replace(" ", ""), sorted_tokens=" ".join(sorted(tokens)), tokens=tuple(tokens))

