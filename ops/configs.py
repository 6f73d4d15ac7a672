"""The configuration files `ops.up` writes under the stack folder: supervisord, HAProxy, PgBouncer."""

from __future__ import annotations

import shlex
from pathlib import Path

from sqlalchemy.engine import make_url

from data.settings import ROOT
from ops.settings import StackSettings
from ops.stack import Program

HSTS = "max-age=31536000; includeSubDomains"
HAPROXY_JSON_LOG = ("'{\"time\":\"%tr\",\"client\":\"%ci\",\"backend\":\"%b\",\"server\":\"%s\","
                    "\"status\":%ST,\"bytes\":%B,\"time_ms\":%Ta,\"method\":\"%HM\",\"path\":\"%HP\"}'")


def supervisord_conf(s: StackSettings, programs: list[Program]) -> str:
    run = s.stack_dir
    head = f"""[unix_http_server]
file={run}/supervisor.sock
chmod=0700

[supervisord]
logfile={s.log_dir}/supervisord.log
pidfile={run}/supervisord.pid
childlogdir={s.log_dir}
nodaemon=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{run}/supervisor.sock
"""
    return head + "".join(_program_section(s, p) for p in programs)


def _program_section(s: StackSettings, p: Program) -> str:
    # Restarted whatever the exit; supervisord backs off 1 s, 2 s, 3 s... between quick failures, and
    # startretries is high so a process waiting for its store keeps trying for minutes.
    command = shlex.join(p.argv).replace("%", "%%")  # supervisord expands %(name)s itself
    lines = [f"\n[program:{p.name}]", f"command={command}", f"directory={ROOT}",
             "autostart=true", "autorestart=true", "startsecs=3", "startretries=100",
             "stopsignal=TERM", "stopwaitsecs=20", "stopasgroup=true", "killasgroup=true",
             "redirect_stderr=true", f"stdout_logfile={s.log_dir}/{p.name}.log",
             "stdout_logfile_maxbytes=50MB", "stdout_logfile_backups=5"]
    if p.user:
        lines.append(f"user={p.user}")
    if p.env:
        lines.append("environment=" + ",".join(f'{k}="{v}"' for k, v in p.env.items()))
    return "\n".join(lines) + "\n"


def haproxy_cfg(s: StackSettings, cert_pem: Path) -> str:
    apps = "\n".join(
        f"    server app-{n} 127.0.0.1:{port} check cookie app-{n} inter 2s fall 2 rise 2"
        for n, port in enumerate(s.app_ports(), start=1))
    redirect = f"https://%[req.hdr(host),field(1,:)]:{s.redirect_port()}%[capture.req.uri]"
    return f"""global
    log stdout format raw local0
    maxconn 4096

defaults
    mode http
    log global
    log-format {HAPROXY_JSON_LOG}
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout tunnel 1h
    timeout client-fin 10s

frontend http_redirect
    bind :{s.http_port}
    http-request redirect location {redirect} code 301

frontend https
    bind :{s.https_port} ssl crt {cert_pem} alpn http/1.1
    http-request set-header X-Forwarded-Proto https
    http-response set-header Strict-Transport-Security "{HSTS}"
    http-request deny status 404 if {{ path /metrics }}
    acl is_api path_beg /api/ /readyz /healthz
    use_backend api if is_api
    default_backend apps

backend apps
    balance roundrobin
    cookie AG_SERVER insert indirect nocache httponly secure attr "SameSite=Lax"
    option httpchk GET /_stcore/health
    http-check expect status 200
    option redispatch
    retries 2
{apps}

backend api
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    server api 127.0.0.1:{s.api_port} check inter 2s fall 2 rise 2
"""


def pgbouncer_ini(s: StackSettings, app_password: str, *, as_root: bool) -> str:
    """Transaction pooling in front of DATABASE_URL's database, as the app's role (data/app_role.py);
    listens on loopback only, so local trust is the host's own boundary. PgBouncer 1.18 (Debian 12) has
    no prepared-statement support in this mode: our processes turn psycopg's server-side prepares off
    (DATABASE_POOLED)."""
    url = make_url(s.database_url)
    folder = s.pgbouncer_dir(as_root=as_root)
    target = (f"host={url.host or '127.0.0.1'} port={url.port or 5432} dbname={url.database} "
              f"user={s.app_role} password={app_password}")
    return f"""[databases]
{url.database} = {target}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {s.pgbouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
reserve_pool_size = 10
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
admin_users = {url.username}
"""


def pgbouncer_users(s: StackSettings) -> str:
    """Trust auth still needs the users named (the app's role, and the owner for PgBouncer's console);
    the password to the server is in [databases]."""
    return f'"{s.app_role}" ""\n"{make_url(s.database_url).username}" ""\n'


def listen_url(s: StackSettings, app_password: str) -> str:
    """Straight to PostgreSQL as the app's role, for the one LISTEN session per process
    (data/event_feed.py): a transaction pooler cannot hold it."""
    url = make_url(s.database_url).set(username=s.app_role, password=app_password)
    return url.render_as_string(hide_password=False)


def pooled_url(s: StackSettings) -> str:
    """DATABASE_URL as our processes see it: the same database, through PgBouncer, as the app's role."""
    url = make_url(s.database_url).set(host="127.0.0.1", port=s.pgbouncer_port, password=None,
                                       username=s.app_role)
    return url.render_as_string(hide_password=False)
