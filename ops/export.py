"""`python -m ops.export`: the systemd units under deploy/systemd/, written from the same stack
definition `ops.up` runs (ops/stack.py), for a host laid out as below. A test regenerates them and
compares, so the committed units cannot drift from the stack. (compose.yaml runs `ops.up
--foreground` in one container, so it runs the stack definition itself.)

Host layout: the code in /opt/autogavel (its virtualenv in .venv), data in /var/lib/autogavel,
settings and secrets in /etc/autogavel/env (mode 600: DATABASE_URL straight to PostgreSQL, secrets,
ops/settings.py's keys), read by autogavel-prepare.service, which migrates and writes the configs and
the processes' own environment (stack/processes.env: the store through PgBouncer and the rest).
Untested here: these machines run no systemd.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ops.settings import StackSettings
from ops.stack import SHARED_ENV_KEYS, Program, programs

HOME = Path("/opt/autogavel")
PYTHON = str(HOME / ".venv" / "bin" / "python")
DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
# The defaults, never this machine's environment: the units are the same wherever they are exported.
HOST = StackSettings.model_construct(stack_dir=Path("/var/lib/autogavel/stack"))


def units(s: StackSettings = HOST) -> dict[str, str]:
    found = {"autogavel-prepare.service": _prepare_unit()}
    names = []
    for program in programs(s, as_root=False):  # every unit runs as its own user, never root
        name = f"autogavel-{program.name}.service"
        found[name] = _unit(program)
        names.append(name)
    found["autogavel.target"] = _target(names)
    return found


def _argv(program: Program) -> str:
    argv = [PYTHON if arg == sys.executable else arg for arg in program.argv]
    return " ".join(_quoted(arg) for arg in argv)


def _quoted(arg: str) -> str:
    if not arg or any(c in arg for c in ' "\'%$;'):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") + '"'
    return arg


def _unit(program: Program) -> str:
    user = program.user or "autogavel"
    env = "".join(f"Environment={k}={v}\n" for k, v in program.env.items())
    # Ours read what `ops.up --prepare-only` wrote: the store through PgBouncer, secrets, flags.
    settings = f"EnvironmentFile={HOST.stack_dir}/processes.env\n" if program.python else ""
    return f"""[Unit]
Description=AutoGavel {program.name}
PartOf=autogavel.target
After=network-online.target autogavel-prepare.service
Requires=autogavel-prepare.service

[Service]
User={user}
WorkingDirectory={HOME}
{settings}{env}ExecStart={_argv(program)}
Restart=always
RestartSec=2
TimeoutStopSec=20
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=/var/lib/autogavel
PrivateTmp=false

[Install]
WantedBy=autogavel.target
"""


def _prepare_unit() -> str:
    return f"""[Unit]
Description=AutoGavel: migrate the store and write the proxy and pooler configs
After=network-online.target postgresql.service

[Service]
Type=oneshot
RemainAfterExit=true
User=autogavel
WorkingDirectory={HOME}
EnvironmentFile=/etc/autogavel/env
Environment=STACK_DIR=/var/lib/autogavel/stack
ExecStart={PYTHON} -m ops.up --prepare-only
"""


def _target(names: list[str]) -> str:
    keys = " ".join(SHARED_ENV_KEYS)
    return f"""# Every process of the stack; /etc/autogavel/env sets: {keys}
[Unit]
Description=AutoGavel, every process
Wants={" ".join(names)}

[Install]
WantedBy=multi-user.target
"""


def main() -> None:
    DEPLOY.mkdir(parents=True, exist_ok=True)
    for name, text in units().items():
        (DEPLOY / name).write_text(text)
    print(f"wrote {len(units())} units to {DEPLOY}")


if __name__ == "__main__":
    main()
