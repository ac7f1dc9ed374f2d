"""The PTB Application: handlers in one ordered block, command menus, error handler, run_bot()."""
from __future__ import annotations

import logging
import os
import re
import secrets
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from ..config import ConfigError, Settings, file_url_for
from ..stats import StatsStore
from . import admin, feedback, files, handlers, review
from .http import AiohttpRequest
from .limits import ChatOrderedProcessor, ChatRateLimiter
from .redact import install_redaction, quiet_http_loggers
from .services import SERVICES_KEY, EngineBuilder, EngineRef, Services, default_builder, source_dirs

log = logging.getLogger(__name__)

PUBLIC_COMMANDS = (BotCommand("start", "开始使用"), BotCommand("help", "我能回答什么"),
                   BotCommand("products", "支持的产品"))
ADMIN_COMMANDS = (BotCommand("reload", "重新加载知识库（管理员）"), BotCommand("stats", "问题统计（管理员）"),
                  BotCommand("unanswered", "最近没能回答的问题（管理员）"),
                  BotCommand("review", "待处理的问题（管理员）"), BotCommand("versions", "知识库版本（管理员）"),
                  BotCommand("rollback", "恢复到某个版本（管理员）"), BotCommand("export", "导出知识库文件（管理员）"))
SORRY = "抱歉，出了点问题，请稍后再试。"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode: Telegram POSTs to ``url``; we listen on ``listen:port`` at ``url_path``."""

    url: str
    listen: str = "0.0.0.0"
    port: int = 8443
    secret_token: str = field(default="", repr=False)  # "": BOT_WEBHOOK_SECRET or a random one
    url_path: str | None = None  # None: the path of ``url``

    def __post_init__(self) -> None:
        if not self.secret_token:
            object.__setattr__(self, "secret_token", os.environ.get("BOT_WEBHOOK_SECRET") or secrets.token_urlsafe(32))
        if not _SECRET.match(self.secret_token):
            raise ConfigError("webhook secret token: 1-256 characters of A-Z, a-z, 0-9, _ and - only")

    @classmethod
    def create(cls, url: str, listen: str = "0.0.0.0", port: int = 8443, secret_token: str | None = None,
               url_path: str | None = None, env: Mapping[str, str] | None = None) -> WebhookConfig:
        """From CLI options; the secret falls back to BOT_WEBHOOK_SECRET, then to a random one."""
        secret = secret_token or (env if env is not None else os.environ).get("BOT_WEBHOOK_SECRET") or ""
        return cls(url=url, listen=listen, port=port, secret_token=secret, url_path=url_path)

    @property
    def path(self) -> str:
        return self.url_path if self.url_path is not None else urlparse(self.url).path.lstrip("/")


# ---------------------------------------------------------------- application
def build_application(settings: Settings, engine_ref: EngineRef, stats: StatsStore | None, *,
                      build_engine: EngineBuilder = default_builder) -> Application:
    """The bot: PTB application with HTML defaults, rate limits (overall, per chat, 429 retries), chats
    processed concurrently but each in order, and all handlers."""
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    install_redaction(settings.token)
    quiet_http_loggers()
    builder = (ApplicationBuilder()
               .token(settings.token)
               .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
               .rate_limiter(ChatRateLimiter(settings.chat_rate, settings.global_rate, max_retries=3))
               .concurrent_updates(ChatOrderedProcessor())
               .request(AiohttpRequest())  # aiohttp instead of httpx: less than half the CPU per update (http.py)
               .get_updates_request(AiohttpRequest(pool_size=1))
               .post_init(set_command_menus))
    if settings.base_url:
        builder = builder.base_url(settings.base_url).base_file_url(
            settings.base_file_url or file_url_for(settings.base_url))
    app = builder.build()
    app.bot_data[SERVICES_KEY] = Services(settings, engine_ref, stats, build_engine)
    register_handlers(app)
    return app


def register_handlers(app: Application) -> None:
    """All handlers, in the order PTB tries them (first match wins within group 0)."""
    new_message = filters.UpdateType.MESSAGE  # edited messages are never answered (again)
    # 1. public commands (in groups as /help@bot)
    app.add_handler(CommandHandler("start", handlers.start, filters=new_message))
    app.add_handler(CommandHandler("help", handlers.help_command, filters=new_message))
    app.add_handler(CommandHandler("products", handlers.products, filters=new_message))
    # 2. admin commands: the handlers refuse anyone not in BOT_ADMIN_IDS
    app.add_handler(CommandHandler("reload", admin.reload, filters=new_message))
    app.add_handler(CommandHandler("stats", admin.stats, filters=new_message))
    app.add_handler(CommandHandler("unanswered", admin.unanswered, filters=new_message))
    app.add_handler(CommandHandler("review", review.review, filters=new_message))
    app.add_handler(CommandHandler("versions", admin.versions, filters=new_message))
    app.add_handler(CommandHandler("rollback", admin.rollback, filters=new_message))
    app.add_handler(CommandHandler("export", files.export, filters=new_message))
    # 3. admin buttons, then suggestion buttons (stale or foreign data is answered politely)
    app.add_handler(CallbackQueryHandler(admin.on_undo, pattern=rf"^{admin.UNDO_PREFIX}\|"))
    app.add_handler(CallbackQueryHandler(review.on_review, pattern=rf"^{review.PREFIX}\|"))
    app.add_handler(CallbackQueryHandler(feedback.on_feedback, pattern=rf"^{feedback.PREFIX}\|"))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    # 4. questions: new text messages that are not commands
    app.add_handler(MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    # 5. unknown commands, private chats only (in groups they may be meant for another bot)
    app.add_handler(MessageHandler(new_message & filters.COMMAND & filters.ChatType.PRIVATE, handlers.unknown_command))
    # 6. documents: an admin's .yaml upload (anyone else is asked for text); stickers, photos, voice...: ask for
    #    text (service messages are ignored)
    app.add_handler(MessageHandler(new_message & filters.Document.ALL, files.on_document))
    app.add_handler(MessageHandler(new_message & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.on_non_text))
    # 7. one error handler for everything
    app.add_error_handler(on_error)


async def set_command_menus(app: Application) -> None:
    """Public commands for everyone; admins also see the admin commands in their private chat."""
    settings = app.bot_data[SERVICES_KEY].settings
    try:
        await app.bot.set_my_commands(PUBLIC_COMMANDS, scope=BotCommandScopeDefault())
    except TelegramError as error:
        log.warning("could not set the command menu: %s", error)
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(PUBLIC_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:  # e.g. the admin never opened a chat with the bot
            log.warning("could not set the admin command menu for one admin: %s", error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error (secrets redacted) and tell the user politely."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except TelegramError as error:
            log.warning("could not tell the user about the error: %s", error)


# ---------------------------------------------------------------- running
def configure_logging() -> None:
    """Plain INFO logging to stderr when nothing is configured yet; httpx only from WARNING."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_http_loggers()


def run_bot(settings: Settings, webhook: WebhookConfig | None = None, *,
            build_engine: EngineBuilder = default_builder) -> int:
    """Run until SIGINT/SIGTERM (exit code 0); long polling unless ``webhook`` is given."""
    configure_logging()
    install_redaction(settings.token, webhook.secret_token if webhook else None)
    if not settings.token:
        log.error("TELEGRAM_BOT_TOKEN is not set")
        return 2
    try:
        engine = build_engine(*source_dirs(settings), None)
    except Exception as error:
        log.error("cannot load the knowledge base:\n%s", error)
        return 1
    stats = StatsStore(settings.data_dir, retention_days=settings.retention_days).start()
    app = build_application(settings, EngineRef(engine), stats, build_engine=build_engine)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    try:
        if webhook is None:
            log.info("starting long polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
        else:
            log.info("starting webhook on %s:%d/%s", webhook.listen, webhook.port, webhook.path)
            app.run_webhook(listen=webhook.listen, port=webhook.port, url_path=webhook.path,
                            webhook_url=webhook.url, secret_token=webhook.secret_token,
                            allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    except InvalidToken as error:
        log.error("Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN): %s", error)
        return 1
    except NetworkError as error:
        log.error("cannot reach the Telegram Bot API: %s", error)
        return 1
    finally:
        stats.close()
    log.info("stopped")
    return 0


__all__ = ["WebhookConfig", "build_application", "register_handlers", "run_bot", "set_command_menus"]
