"""The command-line adapters: ask, ask --json, the JSON-lines contract, and the console chat."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.cli import main
from bot.engine import Engine
from tests.conftest import REPO


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, input=stdin, capture_output=True,
                          text=True, timeout=60, env=full_env)


def test_ask_prints_the_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "WE2000提前还款收费吗"]) == 0
    out = capsys.readouterr().out
    assert "剩余天数的利息" in out and "来源：" in out and "不构成财务建议" in out


def test_ask_json_has_the_stable_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "微粒贷要芝麻分吗"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"text", "intent", "products", "confidence", "suggestions", "sources"} <= set(data)
    assert data["intent"] == "zhima_requirement" and data["products"] == ["weilidai"]
    assert 0 < data["confidence"] <= 1 and data["sources"]


def test_ask_json_not_understood_has_null_intent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "今天天气怎么样"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["intent"] is None and data["products"] == []


def test_ask_json_lines_keep_context_per_session_in_order() -> None:
    lines = [{"session": "a", "text": "借呗日利率多少"}, {"session": "b", "text": "微粒贷最高额度多少"},
             {"session": "a", "text": "那微粒贷呢"}, {"session": "b", "text": "那借呗呢"}]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\nnot json\n"
    done = run("ask", "--json", "-", stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(o.get("intent"), o.get("products")) for o in out[:4]] == [
        ("rates", ["jiebei"]), ("max_amount", ["weilidai"]), ("rates", ["weilidai"]), ("max_amount", ["jiebei"])]
    assert "error" in out[4]  # a bad line is answered with an error object, nothing else is lost


def test_console_chat_answers_and_follows_up() -> None:
    done = run("chat", stdin="介绍一下这个产品\n2\n微粒贷借1万用30天多少利息\n详细\n60天呢\n详细\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "利息约60–150元" in done.stdout and "回复“详细”看详细计算" in done.stdout
    assert "60.00元–150.00元" in done.stdout and "120.00元–300.00元" in done.stdout  # the full versions
    assert "回复编号" in done.stdout and "点下面的按钮" not in done.stdout
    assert "[2] 借呗的产品介绍" in done.stdout and "【借呗】" in done.stdout


def test_run_without_token_starts_the_console_chat() -> None:
    done = run("run", stdin="你好\n")
    assert done.returncode == 0, done.stderr
    assert "TELEGRAM_BOT_TOKEN" in done.stdout and "你好！" in done.stdout


def test_ask_full_prints_the_full_version_and_json_keeps_its_fields() -> None:
    short = run("ask", "借呗借两万分6期每月还多少")
    full = run("ask", "--full", "借呗借两万分6期每月还多少")
    assert short.stdout.split("\n")[0] == full.stdout.split("\n")[0]  # the same answer first
    assert "等额本金" not in short.stdout and "等额本金：首月3,423.33元" in full.stdout
    data = json.loads(run("ask", "--json", "借呗借两万分6期每月还多少").stdout)
    assert {"text", "intent", "products", "confidence", "suggestions", "sources", "kind"} <= set(data)
    assert data["detail"].endswith(data["text"].split("\n\n来源：")[1]) and data["figure"].startswith("i:jiebei:")


VENV_PYTHON = REPO / ".venv" / "bin" / "python"


def readme_commands() -> list[str]:
    """The README's command-line block: the commands that run without Telegram."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [line.split("   #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line and " run " not in f"{line} " and " chat" not in line]


@pytest.mark.skipif(not VENV_PYTHON.exists(), reason="needs the quick start's .venv (make test creates it)")
@pytest.mark.parametrize("command", readme_commands())
def test_readme_commands_run_as_written_after_the_quick_start(command: str) -> None:
    """Copied from the README into a plain shell (no virtualenv activated), each command works."""
    command = command.replace("[--docs ../shared/seeds]", "").replace("[微粒贷]", "微粒贷")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    done = subprocess.run(["bash", "-c", command], cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, (command, done.stderr[-2000:])
    assert done.stdout.strip(), command


@pytest.mark.skipif(not VENV_PYTHON.exists(), reason="needs the quick start's .venv (make test creates it)")
def test_console_script_piped_into_head_exits_quietly() -> None:
    command = '.venv/bin/loanbot ask --full "借呗借2万分6期每月还多少" | head -1; exit "${PIPESTATUS[0]}"'
    done = subprocess.run(["bash", "-c", command], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "" and "每月约" in done.stdout


def test_readme_explain_example_is_what_the_bot_prints(engine: Engine) -> None:
    """The README's ``ask --explain`` block is the bot's real output for that question (scores included)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split('$ .venv/bin/python -m bot ask --explain "', 1)[1].split("```", 1)[0]
    question, shown = block.split('"\n', 1)
    assert engine.explain("readme", question).split("\n\n")[0] == shown.rstrip("\n")
