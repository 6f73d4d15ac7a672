"""JSON log lines for the stack's own processes (the worker, the refresher): one object a line on
stderr, which the supervisor writes to that process's own file under the stack's log folder."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"


def json_formatter() -> JsonFormatter:
    return JsonFormatter(FORMAT, rename_fields={"levelname": "level", "asctime": "time", "process": "pid"})


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    root.addHandler(handler)
    root.setLevel(level)
