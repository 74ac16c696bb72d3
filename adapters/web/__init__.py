"""The web console: a fourth surface (queue, tickets, reports, knowledge base) served by the
bot's own HTTP server under /console/, acting through the same desk as every other surface."""
