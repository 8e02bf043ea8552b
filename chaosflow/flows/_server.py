"""One Prefect API for the driver and every Dask worker process.

Without ``PREFECT_API_URL``, Prefect starts a temporary server per *process*: each Dask worker
would start its own (~10-20 s and a SQLite database each) and its task runs would be invisible
to the driver's. We start one, export its URL, and worker processes (spawned afterwards) inherit it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """Use the configured Prefect API, or start a temporary one shared with child processes."""
    import prefect.settings

    configured = os.environ.get("PREFECT_API_URL") or prefect.settings.PREFECT_API_URL.value()
    if configured:
        os.environ["PREFECT_API_URL"] = configured
        yield configured
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # 127.0.0.1 and a free port
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with prefect.settings.temporary_settings(
            {prefect.settings.PREFECT_API_URL: server.api_url}
        ):
            yield server.api_url
    finally:
        _drain_logs()
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def _drain_logs() -> None:
    """Send queued run logs before the temporary server goes (else: 'Error logging to API')."""
    try:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    except Exception:  # best effort: never mask the run's own outcome
        pass
