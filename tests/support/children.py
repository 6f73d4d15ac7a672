"""Child processes for tests that need real ones (storms, cross-process limits), from one forkserver.

Forkserver: children fork from a clean server that never made an engine, so no connection or pool is
shared with pytest. multiprocessing re-runs the parent's `__main__` in the forkserver and in each child;
Streamlit's AppTest, run earlier in the same process by page tests, leaves a page script there, which
would then run (and fail) in every child. So both start with a bare `__main__`.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess


@contextmanager
def plain_main() -> Iterator[None]:
    """A bare `__main__` while children start: they run what they were given and nothing else."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def forkserver(preload: Iterable[str] = ()) -> BaseContext:
    """The forkserver context with its server running. It keeps the environment it started with for every
    later child in this process, so start it before a test changes the environment (and pass what a
    child needs explicitly). `preload` is imported once in the server (only if this starts it)."""
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    with plain_main():
        multiprocessing.forkserver.ensure_running()
    return context


def start_all(children: Iterable[BaseProcess]) -> None:
    with plain_main():
        for child in children:
            child.start()
