"""Which topics real customer-service questions are about, and what the bot does with each (issue #10's table).

Reads the real-question pool (never copied into the repository): ``../shared/realq/pool.py --git-dir GIT >
pool.txt``, then ``.venv/bin/python benchmarks/pool_topics.py pool.txt``. A question counts for the first topic
whose cue it contains (hand-written cues, independent of the bot's intents); for each topic the table gives its
share and how the bot replied (answered with which intents, named as uncovered, suggested, declined).
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

# (topic, cue) in the order they are tried: the first that matches counts.
TOPICS: tuple[tuple[str, str], ...] = (
    ("credit report 征信", r"征信|信用记录|上征信|人行"),
    ("网商贷 switch", r"网商贷"),
    ("can't use / can't find it", r"用不了|借不了|借不出|找不到|看不到|没看到|没有看见|看不见|出不来|"
                                  r"不能用|没法用|不可以用|打不开|进不去"),
    ("errors / risk warnings", r"系统繁忙|风险|验证码|失败|错误|异常"),
    ("coupons / free interest", r"免息|优惠券|券|积分"),
    ("repayment date / time", r"还款日|还款时间|几号还|哪天还|账单日|宽限|延期还|推迟还|还款期|到期日"),
    ("limit vanished / dropped / restore", r"额度.{0,6}(没了|没有了|消失|降|变少|减少|清零|为0|关闭|恢复|不见)|"
                                           r"没额度|无额度|额度为什么|降额"),
    ("freeze / close / cancel", r"冻结|解冻|关闭|注销|取消|停用|封"),
    ("bank card", r"银行卡|换卡|绑卡|绑定卡|解绑"),
    ("withdraw / transfer to card", r"提现|转到|转账|取现|打到"),
    ("money not received / disbursement", r"到账|放款|没收到|多久到|打款"),
    ("automatic deduction", r"自动还|自动扣|扣款|代扣"),
    ("overdue", r"逾期|罚息|违约金|晚还|没还上|还不上"),
    ("prepayment / paying off", r"提前还|还清|结清|一次性还"),
    ("instalments / term", r"分期|几期|期数|分几个月|借多久|期限"),
    ("interest / rate", r"利息|利率|日息|年化|费率|手续费"),
    ("limit size / raise", r"额度|提额|提升|最高|最多|能借多少"),
    ("opening / eligibility", r"开通|申请|没有(借呗|微粒贷)|怎么(才能)?有|邀请|入口|条件|资格|芝麻分"),
    ("repaying how", r"怎么还|如何还|还款方式|还钱|还款"),
    ("borrowing how / again", r"怎么借|借款|再借|借钱|可以借"),
    ("account / identity", r"账户|账号|实名|身份|手机号|密码|登录"),
)


def classify(question: str) -> str:
    return next((name for name, cue in TOPICS if re.search(cue, question)), "other")


def main(pool: Path) -> None:
    from bot.engine import build_engine

    repo = Path(__file__).resolve().parent.parent
    engine = build_engine(repo / "knowledge", repo / "intents")
    questions = [q for q in pool.read_text(encoding="utf-8").splitlines() if q.strip()]
    by_topic: dict[str, Counter[str]] = {}
    for n, question in enumerate(questions):
        reply = engine.reply(f"pool-{n}", question)
        outcome = {"answer": f"answer:{reply.intent}", "uncovered": f"uncovered:{reply.intent}",
                   "clarify": f"asks product:{reply.intent}"}.get(reply.kind, reply.kind)
        by_topic.setdefault(classify(question), Counter())[outcome] += 1
    total = len(questions)
    print(f"{total} questions\n")
    print("| topic | share | what the bot does (most frequent replies) |\n|---|---|---|")
    for topic, counts in sorted(by_topic.items(), key=lambda kv: -sum(kv[1].values())):
        size = sum(counts.values())
        top = ", ".join(f"{name} {count / size:.0%}" for name, count in counts.most_common(4))
        print(f"| {topic} | {size / total:.1%} | {top} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
