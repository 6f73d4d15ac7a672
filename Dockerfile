# The one-host stack in one container (`python -m ops.up --foreground`: supervisord runs HAProxy, the
# app processes, the API, the worker, the refresher and PgBouncer), beside PostgreSQL and Redis
# (compose.yaml). UNTESTED HERE: these machines cannot run Docker; tests/ops/test_deploy.py checks
# that it names the stack's own commands and settings.
FROM python:3.11.7-slim-bookworm

ARG DEBIAN_FRONTEND=noninteractive
# Debian 12's packages, pinned to the versions the stack is tested with on a host (ops/install.py).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      haproxy=2.6.12-1+deb12u4 pgbouncer=1.18.0-1+deb12u1 openssl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/autogavel autogavel
WORKDIR /opt/autogavel
COPY requirements.txt requirements-ops.txt ./
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir -r requirements.txt -r requirements-ops.txt
COPY --chown=root:root . .

USER autogavel
ENV PATH=/opt/autogavel/.venv/bin:$PATH \
    DATA_DIR=/var/lib/autogavel \
    STACK_DIR=/var/lib/autogavel/stack \
    PYTHONUNBUFFERED=1
EXPOSE 8443 8080
HEALTHCHECK --interval=15s --timeout=10s --start-period=120s --retries=3 \
  CMD ["python", "-m", "ops.status"]
CMD ["python", "-m", "ops.up", "--foreground"]
