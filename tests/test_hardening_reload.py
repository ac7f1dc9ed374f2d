"""Reload under load: 1000 questions stream through the Bot API test server while an admin reloads 20 times,
half of them with broken files. No question is lost or answered with an error, and every reply comes from
one consistent knowledge base (a version marker in a source title, shown in every citation)."""
from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from bot.config import Settings
from bot.engine import build_engine
from bot.telegram import admin
from bot.telegram.app import SORRY
from tests.botkit.botapi import FakeBotApi
from tests.botkit.harness import TEST_TOKEN, running_bot

REPO = Path(__file__).resolve().parent.parent
ADMIN = 1001
CHATS = [5000 + i for i in range(50)]
RELOADS = 20
QUESTIONS = ["微粒贷要芝麻分吗", "借呗日利率多少", "WE2000提前还款收费吗", "微粒贷最高能借多少",
             "借呗逾期{n}天罚息多少", "微粒贷借{n}00元30天利息多少", "WE2000要芝麻分吗", "借呗最高能借多少"]
TITLE = "《微信芝麻信用怎么贷款》"
MARKER = re.compile(r"《微信芝麻信用怎么贷款(?:·v(\d+))?》")
# Each broken reload breaks one file in another way; the reply must name the file.
BROKEN = [
    ("jiebei.yaml", lambda t: t.replace("facts:\n", "facts:\n  - id: [broken\n", 1), "YAML"),
    ("jiebei.yaml", lambda t: t.replace("    topic: platform\n", "    topic: platform\n    colour: red\n", 1),
     "colour"),
    ("jiebei.yaml", lambda t: t.replace("    source: {doc: d000, section: 二}\n", "", 1), "source"),
    ("jiebei.yaml", lambda t: t.replace("min_percent: 5.47", "min_percent: 五点四七", 1), "min_percent"),
    ("products.yaml", lambda t: t.replace("aliases: [借呗, 借唄", "aliases: [微粒贷, 借呗, 借唄", 1), "微粒贷"),
]


def versions(text: str) -> set[int]:
    return {int(v or 0) for v in MARKER.findall(text)}


async def test_reloads_under_load_lose_nothing_and_never_mix_knowledge_bases(tmp_path: Path) -> None:
    knowledge, intents = tmp_path / "knowledge", tmp_path / "intents"
    shutil.copytree(REPO / "knowledge", knowledge)
    shutil.copytree(REPO / "intents", intents)
    pristine = {p.name: p.read_text(encoding="utf-8") for p in knowledge.glob("*.yaml")}
    settings = Settings(token=TEST_TOKEN, admin_ids=frozenset({ADMIN}), data_dir=tmp_path / "data",
                        knowledge_dir=knowledge, intents_dir=intents, chat_rate=0, global_rate=0)
    asked: dict[int, int] = {chat: 0 for chat in CHATS}
    good_version = 0
    async with FakeBotApi() as api, running_bot(api, settings, build_engine(knowledge, intents)):
        await api.wait_until_polling(30)
        for step in range(RELOADS):
            for name, text in pristine.items():  # start each step from valid files
                (knowledge / name).write_text(text, encoding="utf-8")
            broken = BROKEN[(step // 2) % len(BROKEN)] if step % 2 else None
            if broken:
                path = knowledge / broken[0]
                changed = broken[1](path.read_text(encoding="utf-8"))
                assert changed != path.read_text(encoding="utf-8")
                path.write_text(changed, encoding="utf-8")
                # keep the last good marker in sources.yaml so only the broken file differs
                version = good_version
            else:
                version = step // 2 + 1
            if version:
                sources = knowledge / "sources.yaml"
                sources.write_text(pristine["sources.yaml"].replace(
                    TITLE, f"《微信芝麻信用怎么贷款·v{version}》", 1), encoding="utf-8")
            admin_before = len(api.sent(ADMIN))
            api.push_text(ADMIN, ADMIN, "/reload")
            for k in range(1000 // RELOADS):  # 50 questions per reload, streamed while it runs
                chat = CHATS[k % len(CHATS)]
                api.push_text(chat, chat, QUESTIONS[(step + k) % len(QUESTIONS)].format(n=k + 1))
                asked[chat] += 1
                if k % 10 == 9:
                    await asyncio.sleep(0.01)
            report = (await api.wait_for_sent(ADMIN, admin_before + 1, timeout=30))[admin_before].plain
            if broken:
                assert report.startswith("重新加载失败，继续使用原来的知识库。"), report
                assert broken[0] in report and broken[2] in report, report
            else:
                assert report.startswith("知识库已重新加载") and "source:d000" in report, report
                good_version = version
        for chat in CHATS:
            await api.wait_for_sent(chat, asked[chat], timeout=60)
        await asyncio.sleep(0.3)  # anything extra (a duplicate) would arrive now
        last = CHATS[0]
        api.push_text(last, last, "微粒贷要芝麻分吗")
        final = (await api.wait_for_sent(last, asked[last] + 1, timeout=10))[-1]

    assert good_version == RELOADS // 2
    assert versions(final.plain) == {good_version}  # the last good reload is what answers now
    total, marked, served = 0, 0, set()
    for chat in CHATS:
        replies = api.sent(chat)[: asked[chat]]
        assert len(api.sent(chat)) == asked[chat] + (chat == last)  # none lost, none answered twice
        seen: list[int] = []
        for reply in replies:
            assert SORRY not in reply.plain and "出了点问题" not in reply.plain
            found = versions(reply.plain)
            assert len(found) <= 1, reply.plain  # one knowledge base per reply
            seen.extend(found)
            marked += bool(found)
            served |= found
        assert seen == sorted(seen), (chat, seen)  # a chat never goes back to an older knowledge base
        total += len(replies)
    assert total == 1000
    assert marked >= 900 and len(served) >= RELOADS // 2  # the markers really were in the answers, all versions
    assert sum(1 for c in api.calls_to("sendMessage") if c.status != 200) == 0
    assert admin.REFUSED not in {s.plain for s in api.sent(ADMIN)}
