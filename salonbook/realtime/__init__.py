"""Realtime: the LISTEN backend, the outbox tailer, cursors and the subscription generators."""
