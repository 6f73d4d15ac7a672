"""The embedded store's backup schedule: a snapshot every BACKUP_SQLITE_EVERY_S, counted from the start
of the last one, each checked in a second thread so a long `PRAGMA integrity_check` never stretches the
interval (the recovery point). One check runs at a time; while it runs, newer copies wait for the next
free checker. A passed check records the last good backup, which the 15-minute alert watches."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from data.backup_config import BackupConfig
from data.backup_status import record_good
from ops.media_backup import media_copy_new
from ops.sqlite_backup import Snapshot, snapshot_check, snapshot_copy, snapshots_expire


class SnapshotSchedule:
    def __init__(self, database: Path, media_dir: Path, config: BackupConfig) -> None:
        self.database, self.media_dir, self.config = database, media_dir, config
        self._checker: threading.Thread | None = None

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set; a failed copy is reported and the schedule goes on."""
        while not stop.is_set():
            began = time.monotonic()
            try:
                self.once()
            except Exception as error:  # a failed run must not end the schedule; the age alerts
                print(f"snapshot failed: {error}", file=sys.stderr, flush=True)
            stop.wait(max(0.0, self.config.backup_sqlite_every_s - (time.monotonic() - began)))
        self.join()

    def once(self) -> Snapshot:
        snapshot = snapshot_copy(self.database, self.config)
        media_copy_new(self.media_dir, self.config.media_dir)
        print(f"snapshot {snapshot.name}: {snapshot.size / 1e6:.1f} MB copied in "
              f"{(snapshot.finished_at - snapshot.started_at).total_seconds():.1f} s", flush=True)
        if self._checker is None or not self._checker.is_alive():
            self._checker = threading.Thread(target=self._check, args=(snapshot,), daemon=True)
            self._checker.start()
        return snapshot

    def _check(self, snapshot: Snapshot) -> None:
        began = time.monotonic()
        try:
            snapshot_check(snapshot)
        except Exception as error:  # marked corrupt; reported; the alert fires if none passes
            print(f"snapshot {snapshot.name} failed its check: {error}", file=sys.stderr, flush=True)
            return
        record_good(self.config, store="sqlite", label=snapshot.name)
        snapshots_expire(self.config)
        print(f"snapshot {snapshot.name}: integrity ok ({time.monotonic() - began:.1f} s)", flush=True)

    def join(self) -> None:
        if self._checker is not None:
            self._checker.join()
