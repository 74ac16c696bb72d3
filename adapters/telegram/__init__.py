"""Telegram adapter: aiogram routers, HTML translation and the Bot API sender."""
