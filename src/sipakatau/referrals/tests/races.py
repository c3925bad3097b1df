"""Running two services at the same moment, each in its own thread with its own database
connection, as two requests do in production."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.utils import translation


def skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite serialises writers (one write transaction at a time), so these races "
            "cannot happen there; they are tested on PostgreSQL."
        )


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Start every action at the same moment; each result, or the exception it raised."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            with translation.override("en"):
                start.wait()
                results[index] = actions[index]()
        except BaseException as error:  # handed back to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
