"""Intent definitions from intents/*.yaml: everything an intent does is said there — how it is matched (keywords,
examples, topics' wording, slot hints), how the dialogue treats it (kind, slots, ask_product) and how it is
answered (``answer``: the renderer, ``topics``: the knowledge it draws on, ``reply``: small talk's text)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from ..datafiles.errors import KnowledgeError
from ..datafiles.records import Problem, Record, RecordError, record, rule
from ..datafiles.validation import describe
from ..datafiles.yamlio import display_path, read_yaml
from ..knowledge.models import Topic
from .slots import SlotName

PLACEHOLDERS = ("{product}", "{product2}")
# How an ``answer`` intent is written (bot/dialogue/compose.py holds one renderer per name).
AnswerKind = Literal["listing", "score_requirement", "conditions", "maximum", "rates", "interest", "instalments",
                     "overdue", "prepayment", "cooperation", "overview", "comparison", "help"]
LEARNED = "learned"  # top-level key of intents/learned.yaml: examples added from /review
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@record
class Intent(Record):
    """One question type the bot can answer."""

    id: str = rule(pattern=r"^[a-z][a-z0-9_]*$", max_length=24)  # short: it travels in callback_data
    title: str = rule(min_length=2)
    # answer: the knowledge base answers it; uncovered: a frequent topic the documents do not answer — the bot
    # names it, points to the product's official channel and offers only the ``related`` intents.
    # smalltalk: greetings and thanks, answered with ``reply`` (or ``answer: help``), never when a product is named.
    kind: Literal["answer", "uncovered", "smalltalk"] = "answer"
    product_scope: Literal["per_product", "all", "none"]
    answer: AnswerKind = "listing"  # listing: each product's facts of ``topics``, one line each
    reply: str | None = None  # a small-talk intent's fixed reply
    references: tuple[str, ...] = ()  # a listing also shows these products' facts of its topics (bank, other_online)
    ask_product: bool = False  # asked without a product, ask back which one (instead of answering for all)
    slots: tuple[SlotName, ...] = ()  # the numbers its answer uses: a follow-up that only changes these keeps it
    hints: tuple[SlotName, ...] = ()  # a number of this kind in the question is evidence for this intent
    related: tuple[str, ...] = ()  # intents offered as buttons after an uncovered topic
    # A calculating intent asked without any of the slots it ``needs`` is answered as ``otherwise`` instead
    # ("借呗利息怎么算" has no amount or term: the rate and the formula, not a sum with a made-up amount).
    needs: tuple[SlotName, ...] = ()
    otherwise: str | None = None
    # … and the other way round: asked with an amount and a term, a question about rates is the calculation
    # ("按最低日利率算借呗借1万30天利息" is interest_cost, though 日利率 is the rates cue).
    calculates: str | None = None
    # Intents whose cue words, in a clause of the same message, are part of this question, not a second one
    # ("提前还款，有违约金吗" asks about the prepayment fee, not the overdue penalty).
    absorbs: tuple[str, ...] = ()
    # Uncovered topics a question about this one's effect ("提前还款会影响额度吗", "逾期一天有影响吗") also names,
    # after the answer: the first whose keywords or title words the question has, else the first listed.
    effects: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()  # knowledge-base topics whose facts answer it (their wording is its vocabulary)
    shows: tuple[Topic, ...] = ()  # further topics a listing shows whose wording belongs to other intents
    keywords: tuple[str, ...] = ()
    # cue phrases with a keyword's bonus that stay out of the vocabulary (and jieba's dictionary): one moves only
    # the questions that contain it, where a keyword's character pairs shift the word weights of every question
    cues: tuple[str, ...] = ()
    keyword_required: bool = False  # matched only when one of its keywords (or cues) is in the question (QQ, …)
    # the intent cannot lead a question without one of these words, and gets no bonus for them; further down it
    # stays a rival (the cooperation between WeChat and 芝麻信用 is not asked by a question that names neither a
    # platform nor a company)
    requires: tuple[str, ...] = ()
    examples: tuple[str, ...] = rule(min_length=3)

    def cue_words(self) -> tuple[str, ...]:
        """Its keywords and cues in lower case, as a folded text is (look for them with ``occurs``)."""
        return tuple(word.lower() for word in (*self.keywords, *self.cues))

    def check(self) -> list[Problem]:
        """Examples use only the known placeholders; the fields agree with each other."""
        problems = []
        for example in self.examples:
            unknown = [p for p in _PLACEHOLDER.findall(example) if p not in PLACEHOLDERS]
            if unknown:
                problems.append(Problem(("examples",), f"例句 {example!r} 含未知占位符 {', '.join(unknown)}"
                                                       f"（可用：{', '.join(PLACEHOLDERS)}）"))
            if not example:
                problems.append(Problem(("examples",), "例句不能为空"))
            if self.requires and not any(word.lower() in example.lower() for word in self.requires):
                problems.append(Problem(("examples",), f"例句 {example!r} 不含 requires 里的任何词，永远匹配不上"))
        seen = {k.lower() for k in self.keywords}
        for cue in self.cues:
            if cue.lower() in seen:
                problems.append(Problem(("cues",), f"提示短语 {cue!r} 已经是本意图的关键词或提示短语，重复了"))
            seen.add(cue.lower())
        if problems:
            return problems
        if self.kind == "smalltalk" and not (self.reply or self.answer == "help"):
            return [Problem((), "闲聊意图需要 reply（固定回复）或 answer: help")]
        if self.answer == "listing" and self.kind == "answer" and not self.topics:
            return [Problem((), "answer: listing 需要 topics（从哪些知识主题回答）")]
        if not set(self.needs) <= set(self.slots):
            return [Problem((), f"needs 里的槽位必须也在 slots 里（slots: {list(self.slots)}）")]
        return []


def occurs(word: str, text: str) -> bool:
    """Whether a cue word (keyword or cue) is in the text as itself: a 不… word not as the second half of an A不A
    question ("能不能使用微粒贷" asks whether one may, though 不能使用 is in it; "可不可以用花呗还" says nothing of
    不可以用)."""
    start = text.find(word)
    if start <= 0 or word[0] != "不" or len(word) < 2:
        return start >= 0
    while start >= 0:
        if text[start - 1] != word[1]:
            return True
        start = text.find(word, start + 1)
    return False


def written_by(intents: Mapping[str, Intent], answer: AnswerKind) -> str:
    """The id of the intent whose answer renderer is ``answer`` ("comparison", "overview"; "" when none): the
    dialogue names these intents by what they do, not by their id."""
    return next((i for i, spec in intents.items() if spec.answer == answer), "")


def load_intents(directory: Path) -> tuple[Intent, ...]:
    """Read every ``*.yaml`` in ``directory``; raise KnowledgeError listing all problems."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeError(f"{directory}: 没有找到任何 .yaml 意图文件")
    problems: list[str] = []
    intents: list[Intent] = []
    origin: dict[str, str] = {}
    learned: list[tuple[str, object]] = []  # (where, {intent id: [examples]}) from files admins teach through
    for path in files:
        where = display_path(path)
        try:
            data = read_yaml(path)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            continue
        for key in data:
            if key == LEARNED:
                learned.append((f"{where}: {LEARNED}", data[key]))
            elif key != "intents":
                problems.append(f"{where}: 未知的顶层字段 {key!r}（应为 intents 或 {LEARNED}）")
        entries = data.get("intents", [])
        if not isinstance(entries, list):
            problems.append(f"{where}: intents 应是一个列表")
            continue
        for index, item in enumerate(entries):
            place = f"{where}: intents[{index}]"
            try:
                intent = Intent.parse(item)
            except RecordError as exc:
                problems.extend(describe(exc, place, item))
                continue
            if intent.id in origin:
                problems.append(f"{place} ({intent.id}): id: 与 {origin[intent.id]} 重复")
                continue
            origin[intent.id] = place
            intents.append(intent)
    kinds = {intent.id: intent.kind for intent in intents}
    for intent in intents:
        for related in (*intent.related, *intent.absorbs, *intent.effects,
                        *([intent.otherwise] if intent.otherwise else []),
                        *([intent.calculates] if intent.calculates else [])):
            if related not in origin:
                problems.append(f"{origin[intent.id]} ({intent.id}): related/otherwise: 未知的意图 {related!r}")
        for effect in intent.effects:
            if effect in kinds and kinds[effect] != "uncovered":
                problems.append(f"{origin[intent.id]} ({intent.id}): effects: {effect!r} 不是 uncovered 意图")
    problems += _shared_cues(intents, origin)
    if not problems:
        intents = _add_learned(intents, learned, problems)
    if problems:
        raise KnowledgeError(problems)
    return tuple(intents)


def _shared_cues(intents: list[Intent], origin: dict[str, str]) -> list[str]:
    """A cue that is also another intent's keyword or cue gives both the bonus: it decides nothing."""
    owners: dict[str, list[str]] = {}
    for intent in intents:
        for word in intent.cue_words():
            owners.setdefault(word, []).append(intent.id)
    problems = []
    for intent in intents:
        for cue in intent.cues:
            others = [o for o in owners[cue.lower()] if o != intent.id]
            if others:
                problems.append(f"{origin[intent.id]} ({intent.id}): cues: {cue!r} 也是 {', '.join(others)} 的关键词或"
                                "提示短语，两边都加分，起不到区分作用")
    return problems


def _add_learned(intents: list[Intent], learned: list[tuple[str, object]], problems: list[str]) -> list[Intent]:
    """Merge ``learned: {intent id: [examples]}`` into the intents defined elsewhere (validated like them)."""
    by_id = {intent.id: intent for intent in intents}
    for where, entries in learned:
        if not isinstance(entries, dict):
            problems.append(f"{where}: 应是一个映射（意图 id: [例句...]）")
            continue
        for ident, examples in entries.items():
            intent = by_id.get(str(ident))
            if intent is None:
                problems.append(f"{where}: 未知意图 {ident!r}（已知：{', '.join(sorted(by_id))}）")
                continue
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                problems.append(f"{where}.{ident}: 应是例句（字符串）的列表")
                continue
            merged = {**intent.dump(), "examples": (*intent.examples, *(e for e in examples
                                                                             if e not in intent.examples))}
            try:
                by_id[intent.id] = Intent.parse(merged)
            except RecordError as exc:
                problems.extend(describe(exc, f"{where}.{ident}", merged))
    return [by_id[intent.id] for intent in intents]
