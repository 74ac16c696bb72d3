"""Slack adapter: bolt listeners, Block Kit translation and the Web API sender."""
