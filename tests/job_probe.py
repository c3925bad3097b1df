"""A job for the job tests: it notes that it ran, in which process, in a file of the
test's own (one line per run, appended in one write so two processes never mix lines)."""

import os
import time


def record(path: str, label: str, pause: float = 0.0) -> str:
    time.sleep(pause)
    line = f"{label} {os.getpid()}\n".encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
    return label
