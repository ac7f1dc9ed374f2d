"""Files in and out: an admin sends a .yaml document to replace one data file; /export sends a zip of them.

An upload is admin-only, private-chat only, at most 1 MB, YAML only, and may only replace a file that exists in
knowledge/ or intents/ (named by the caption or the file name; no paths, no symlinks). YAML bombs are refused
before parsing. The file then takes the one change path (validated with all other files and, when configured,
against the documents), so a bad file changes nothing.
"""
from __future__ import annotations

import asyncio
import io
import re
import zipfile
from pathlib import Path

from telegram import Document, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ..datafiles.yamlio import yaml_bomb
from ..knowledge.versions import FOLDERS, Files
from .admin import admin_only, run_change
from .changes import ChangeRefused, live_files
from .handlers import on_non_text, send
from .render import escape, render_text
from .services import services
from .updates import MissingPart, message_of

MAX_UPLOAD = 1024 * 1024  # bytes
_NAME = re.compile(r"^(?:(knowledge|intents)/)?([A-Za-z0-9_-]+\.ya?ml)$")
NAMES_HELP = "请用已有的文件名（可以写在说明里），比如 weilidai.yaml、costs.yaml 或 intents/costs.yaml。"
FAILED = "上传的文件没有启用，知识库没有任何改动。"


def target_name(document: Document, caption: str | None) -> str:
    """The name the admin means (caption first, else the file's name); ChangeRefused when it is not allowed."""
    for candidate in ((caption or "").strip(), document.file_name or ""):
        if candidate:
            if not _NAME.match(candidate):
                raise ChangeRefused(f"“{candidate[:80]}”不是可以替换的文件名：只能是 knowledge/ 或 intents/ 里的 "
                                    f".yaml 文件名，不能带其他路径。{NAMES_HELP}")
            return candidate
    raise ChangeRefused(f"不知道要替换哪个文件。{NAMES_HELP}")


def resolve(name: str, live: Files, svc_dirs: tuple[Path, Path]) -> str:
    """``weilidai.yaml`` -> ``knowledge/weilidai.yaml``: an existing data file, exactly one, not a symlink."""
    match = _NAME.match(name)
    assert match is not None
    folder, base = match.groups()
    keys = [f"{f}/{base}" for f in FOLDERS if f"{f}/{base}" in live and (folder is None or f == folder)]
    if not keys:
        known = "、".join(sorted(k.split("/", 1)[1] for k in live))
        raise ChangeRefused(f"没有叫 {name} 的数据文件，不能新建文件。已有：{known}")
    if len(keys) > 1:
        raise ChangeRefused(f"knowledge/ 和 intents/ 里都有 {base}，请在说明里写 knowledge/{base} 或 intents/{base}。")
    key = keys[0]
    working = dict(zip(FOLDERS, svc_dirs, strict=True))[key.split("/")[0]]
    if (working / key.split("/")[1]).is_symlink():
        raise ChangeRefused(f"服务器上的 {key} 是符号链接，不能通过上传替换。")
    return key


def checked_content(data: bytes) -> bytes:
    """UTF-8 YAML that is not a bomb; ChangeRefused otherwise."""
    if len(data) > MAX_UPLOAD:
        raise ChangeRefused(f"文件太大（{len(data)} 字节），最多 {MAX_UPLOAD // 1024} KB。")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ChangeRefused("文件不是 UTF-8 编码的文本，请用 UTF-8 保存 YAML 文件。") from None
    bomb = yaml_bomb(text)
    if bomb:
        raise ChangeRefused(f"文件被拒绝：{bomb}。数据文件不需要这样的结构。")
    return data


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document: from an admin in a private chat it is an upload; anyone else is asked for text as before."""
    svc = services(context)
    message, user, chat = message_of(update), update.effective_user, update.effective_chat
    if not svc.settings.is_admin(user.id if user else None) or chat is None or chat.type != ChatType.PRIVATE:
        await on_non_text(update, context)
        return
    document = message.document
    if document is None:  # the handler is registered for documents only
        raise MissingPart(f"update {update.update_id} has no document")
    try:
        name = target_name(document, message.caption)
        if not (document.file_name or "").lower().endswith((".yaml", ".yml")):
            raise ChangeRefused("只接受 YAML 文件（.yaml）。")
        if (document.file_size or 0) > MAX_UPLOAD:
            raise ChangeRefused(f"文件太大（{document.file_size} 字节），最多 {MAX_UPLOAD // 1024} KB。")
        data = checked_content(bytes(await (await document.get_file()).download_as_bytearray()))
    except ChangeRefused as refused:
        await send(message, render_text(f"{FAILED}\n\n{refused}"))
        return
    except TelegramError as error:
        await send(message, render_text(f"{FAILED}\n\n无法下载文件：{error}"))
        return
    dirs = (svc.settings.knowledge_dir, svc.settings.intents_dir)
    chosen: list[str] = []

    def replace(live: Files) -> Files:
        chosen.append(resolve(name, live, dirs))
        return {**live, chosen[0]: data}

    await run_change(update, context, replace, lambda live, new: f"上传 {chosen[0]}", f"已上传并启用 {name}",
                     FAILED)


def export_zip(files: Files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue()


@admin_only
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: a zip of the live knowledge/ and intents/."""
    svc = services(context)

    def build() -> tuple[bytes, int | None, int]:
        current = svc.versions.current()
        files = live_files(svc)
        return export_zip(files), current.number if current else None, len(files)

    data, number, count = await asyncio.to_thread(build)
    label = f"版本 {number}" if number else "启动时的版本"
    await message_of(update).reply_document(
        document=data, filename=f"loanbot-{'v' + str(number) if number else 'start'}.zip",
        caption=escape(f"正在使用的知识库（{label}）：{count} 个文件。改好后把单个 .yaml 文件发给我即可替换。"))


__all__ = ["MAX_UPLOAD", "checked_content", "export", "export_zip", "on_document", "resolve", "target_name"]
