"""Where the bot token may go to read a file's bytes, and how those bytes are streamed.

The bot token goes only to Slack's own file hosts (https://api.slack.com/types/file#auth):
files.slack.com, the workspace's own host and the Web API's. An external file (a Google
Drive document shared in Slack) has its `url_private` elsewhere; it is never fetched with
the token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

# https://api.slack.com/types/file#auth: where Slack serves files' bytes to a token
SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
CHUNK = 256 * 1024
# The Web API session's 10 s for a whole request is too short for a file's bytes; the
# stream only has to keep moving.
STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=20)


class FileHosts:
    """Slack's file hosts for one workspace; its own host is learnt from auth.test once."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        api_host = urlsplit(client.base_url).hostname or ""
        self._hosts = set(SLACK_FILE_HOSTS) | {api_host}
        self._workspace_known = False

    async def token_may_go_to(self, url: str) -> bool:
        """Whether `url` is on one of Slack's file hosts."""
        host = urlsplit(url).hostname or ""
        if host not in self._hosts and not self._workspace_known:
            found = await self.client.auth_test()
            workspace = urlsplit(str(found.get("url") or "")).hostname
            if workspace:
                self._hosts.add(workspace)
            self._workspace_known = True
        return host in self._hosts
