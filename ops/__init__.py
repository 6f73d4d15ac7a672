"""Running the platform for real: the one-host stack (`python -m ops.up`), its checks and metrics,
backups and restores (`python -m ops.backup`, `python -m ops.restore`)."""
