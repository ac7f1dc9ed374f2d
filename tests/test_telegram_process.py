"""``python -m bot run`` as a real process: SIGTERM during traffic exits 0, cleanly, without leaking the token."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.botkit.botapi import FakeBotApi
from tests.botkit.harness import TEST_TOKEN, free_port

REPO = Path(__file__).resolve().parent.parent
SECRET = "process-Secret_42"


async def wait_until(condition, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_during_traffic_exits_cleanly(tmp_path: Path, mode: str) -> None:
    async with FakeBotApi() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_BASE_URL": api.base_url,
               "BOT_DATA_DIR": str(tmp_path), "BOT_ADMIN_IDS": "1", "BOT_WEBHOOK_SECRET": SECRET,
               "PYTHONUNBUFFERED": "1"}
        args = [sys.executable, "-m", "bot", "run"]
        if mode == "webhook":
            port = free_port()
            args += ["--webhook", f"http://127.0.0.1:{port}/tg", "--listen", "127.0.0.1", "--port", str(port)]
        process = await asyncio.create_subprocess_exec(*args, cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.PIPE)
        try:
            if mode == "polling":
                await api.wait_until_polling(30)
            else:
                await wait_until(lambda: api.webhook_url, 30, "the bot never set its webhook")
                assert api.webhook_secret == SECRET
            await wait_until(lambda: api.commands_for(), 10, "no command menu")
            for i in range(10):
                api.push_text(100 + i, 100 + i, "微粒贷要芝麻分吗")
            await wait_until(lambda: len(api.sent()) >= 3, 20, "no answers")
            for i in range(10):  # more traffic while the bot is told to stop
                api.push_text(200 + i, 200 + i, "借呗借一万用30天多少利息")
            process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output and "Error" not in output, output
    assert TEST_TOKEN not in output
    assert all("来源：" in s.plain for s in api.sent() if s.chat_id < 200)
    assert len(api.sent()) >= 3
    chats = [s.chat_id for s in api.sent()]
    assert len(chats) == len(set(chats))  # nothing answered twice
