"""Slack: the Bolt app (mentions, DMs, /bluebook, buttons) and the formatting of answers as Slack messages."""
