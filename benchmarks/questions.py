"""Deterministic, varied questions as users type them.

Products in every spelling (Traditional characters, full width, typos), amounts in every form (两万, 一万五,
5k, 1.5w, ￥3000), random terms, follow-ups that need the session's context, off-topic text, gibberish
and emoji, plus every line of tests/data/dev.jsonl. ``generate(n)`` is the same list on every run."""
from __future__ import annotations

import json
import random
import string
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO / "tests" / "data" / "dev.jsonl"

PRODUCTS = ("微粒贷", "借呗", "WE2000", "蚂蚁借呗", "微利贷", "微粒貸", "ＷＥ２０００", "借唄", "we2000")
PREFIXES = ("", "", "", "", "请问", "请问一下", "想问下", "你好，", "问一下", "那个", "我想知道")
SUFFIXES = ("", "", "", "？", "?", "。", "？？", "啊", "呀", "呢")  # the particles only after a statement
# Questions naming a product ({p}); {a} amount, {d} days, {o} overdue days, {m} months, {s} score, {r} day.
ASKED = (
    "{p}要芝麻分吗", "{p}借{a}用{d}天多少利息", "{p}逾期{o}天罚息多少", "{p}提前还款收费吗",
    "{p}借{a}分{m}期每月还多少",
    "我芝麻分{s}能用{p}吗", "{p}最高能借多少", "{p}怎么开通", "{p}日利率多少", "{p}和{q}有什么区别", "{p}审批要多久",
    "{p}借{a}第{r}天提前还要多少钱", "{p}怎么还款", "{p}额度怎么提高", "{p}安全吗", "{p}年化利率是多少",
    "{p}借了{a}，逾期{o}天要还多少", "{p}可以分几期", "{p}会上征信吗", "{p}放款要多久", "{p}借{a}一天利息多少",
    "{p}和{q}哪个利息低", "芝麻分{s}分可以开通{p}吗", "{p}没有额度怎么办", "{p}借{a}分{m}个月利息多少",
)
# Questions without a product name.
GENERAL = (
    "分{m}期每月还多少", "借{a}用{d}天利息多少", "逾期{o}天会怎么样", "微信和芝麻信用什么关系", "芝麻分{s}高吗",
    "提前还款要手续费吗", "借{a}分{m}期总共还多少", "日利率万分之五借{a}一年多少利息", "哪个产品利息最低",
)
# Follow-ups: only change the product, amount or term of the previous question of the session.
FOLLOW_UPS = ("那{p}呢", "如果借{a}呢", "{d}天呢", "借{a}呢", "分{m}期呢", "那{q}呢", "{m}个月呢", "逾期{o}天呢",
              "要是{a}呢")
OFF_TOPIC = (
    "今天天气怎么样", "{city}明天下雨吗", "推荐一部电影", "推荐一部{genre}电影", "写一首关于{season}的诗",
    "红烧肉怎么做",
    "股票明天会涨吗", "{city}有什么好吃的", "房贷利率是多少", "花呗怎么提额", "信用卡逾期{o}天怎么办",
)
SMALLTALK = ("你好", "谢谢", "你能做什么", "在吗", "好的", "谢谢你", "你是谁", "/help")
CITIES = ("北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆")
GENRES = ("科幻", "喜剧", "爱情", "动作", "恐怖", "动画")
SEASONS = ("春天", "夏天", "秋天", "冬天", "月亮", "大海")
EMOJI = "😀😂🤔👍🙏💰🔥😭🎉🤷📈💸🥲"
CN_DIGITS = "一二三四五六七八九"
# category -> weight (percent of the generated questions)
MIX = {"asked": 56, "general": 9, "follow_up": 15, "off_topic": 8, "smalltalk": 4, "noise": 8}


def _amount(rng: random.Random) -> str:
    """An amount as users write it: 3000元, 2万, 两万, 一万五, 5k, 1.5w, ￥8000, 三千块 ..."""
    n = rng.randrange(500, 200_001, 100)
    form = rng.randrange(9)
    if form == 0:
        return f"{n}元"
    if form == 1:
        return f"{n}块"
    if form == 2:
        return f"{round(n / 10_000, 1):g}万"
    if form == 3:
        return f"{max(1, n // 1000)}k"
    if form == 4:
        return f"{round(n / 10_000, 1):g}w"
    if form == 5:
        return f"￥{n}"
    if form == 6:
        return str(n)
    head = "两" if rng.random() < 0.3 else rng.choice(CN_DIGITS)
    if form == 7:  # 两万, 一万五
        return head + "万" + rng.choice(("", "", *CN_DIGITS))
    return head + "千" + rng.choice(("", "块", "元", *CN_DIGITS))  # 三千, 五千块, 两千五


def _noise(rng: random.Random) -> str:
    """Gibberish, emoji, bare numbers or punctuation."""
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(rng.choice(string.ascii_lowercase + "  ") for _ in range(rng.randint(3, 20))).strip() or "asdf"
    if kind == 1:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5)))
    if kind == 2:
        return str(rng.randint(0, 10 ** rng.randint(1, 12)))
    return rng.choice(("？？？", "。。。", "啊啊啊啊", "嗯", "哈哈哈", "...", "!!!", "6666"))


def _one(rng: random.Random) -> str:
    category = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if category == "noise":
        return _noise(rng)
    if category == "smalltalk":
        return rng.choice(SMALLTALK) + rng.choice(SUFFIXES[:4])
    templates = {"asked": ASKED, "general": GENERAL, "follow_up": FOLLOW_UPS, "off_topic": OFF_TOPIC}
    template = rng.choice(templates[category])
    p, q = rng.sample(PRODUCTS, 2)
    text = template.format(p=p, q=q, a=_amount(rng), d=rng.randint(1, 365), o=rng.randint(1, 90),
                           m=rng.choice((3, 6, 9, 12, 18, 24, 36)), s=rng.randint(350, 950), r=rng.randint(1, 60),
                           city=rng.choice(CITIES), genre=rng.choice(GENRES), season=rng.choice(SEASONS))
    if category != "follow_up":
        text = rng.choice(PREFIXES) + text
    if rng.random() < 0.05:
        text += rng.choice(EMOJI)
    return text + rng.choice(SUFFIXES[:7] if text.endswith(("吗", "呢", "么", "啊")) else SUFFIXES)


def dev_questions() -> list[str]:
    """The ``text`` of every line of tests/data/dev.jsonl."""
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def generate(count: int, seed: int = 2026, *, dev: bool = True) -> list[str]:
    """``count`` questions: the dev set (when ``dev``; truncated if ``count`` is smaller) at random places
    among generated ones. Same ``count`` and ``seed``, same list."""
    rng = random.Random(seed)
    labelled = dev_questions()[:count] if dev else []
    out = [_one(rng) for _ in range(count - len(labelled))]
    for text in labelled:
        out.insert(rng.randrange(len(out) + 1), text)
    return out


if __name__ == "__main__":  # python benchmarks/questions.py: a sample and the share of distinct questions
    sample = generate(20_000)
    print("\n".join(sample[:40]))
    print(f"… {len(set(sample))} distinct of {len(sample)}")
