"""Operating the platform: backups and restores (ops/backup.py, ops/restore.py) and the production stack."""
