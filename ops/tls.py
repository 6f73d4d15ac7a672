"""HAProxy's certificate: the operator's (TLS_CERT, TLS_KEY) or a self-signed one made on first start."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ops.settings import StackSettings


def certificate_pem(s: StackSettings) -> Path:
    """One PEM holding certificate and key, as HAProxy reads it; private to the stack's owner."""
    combined = s.stack_dir / "tls" / "haproxy.pem"
    combined.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if s.tls_cert and s.tls_key:
        cert, key = s.tls_cert, s.tls_key
    else:
        cert, key = _self_signed(combined.parent, s.public_hostname)
    combined.touch(mode=0o600)
    combined.write_text(cert.read_text() + key.read_text())
    return combined


def _self_signed(folder: Path, hostname: str) -> tuple[Path, Path]:
    cert, key = folder / "self-signed.crt", folder / "self-signed.key"
    if not (cert.is_file() and key.is_file()):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825",
             "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={hostname}",
             "-addext", f"subjectAltName=DNS:{hostname},DNS:localhost,IP:127.0.0.1"],
            check=True, capture_output=True)
        key.chmod(0o600)
    return cert, key
