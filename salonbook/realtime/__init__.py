"""Realtime delivery: the LISTEN and Redis backends, the outbox tailer, cursors, each
subscriber's feed and stream, and the live path that writes to caught-up sockets."""
