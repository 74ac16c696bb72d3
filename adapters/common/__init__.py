"""What every chat surface shares: the command grammar and the adapter's own answers."""
