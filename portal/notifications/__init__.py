"""Telling staff: a new connection, a removal, a checklist regression after a sync, a
halted request or an open alert, by email (at once or in a daily digest, as each
user prefers) and to an optional Slack-compatible chat webhook. Everything leaves
from the queue: the request or sync that made the event only enqueues one task."""
