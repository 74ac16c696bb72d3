"""The Telegram adapter: aiogram routers, a Bot API sender, pure translation."""

PLATFORM = "telegram"
