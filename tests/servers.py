"""Real servers for tests, on loopback and free ports, under a temporary directory.

Recipes follow ../shared/docs/services.md. Each start function returns a handle whose
``stop()`` ends the server by its pid.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def world_dir(prefix: str) -> Path:
    """A temporary directory other users (dovecot's 'nobody', postgres) can traverse."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def require(binary: str) -> str:
    found = shutil.which(binary) or (str(PG_BIN / binary) if (PG_BIN / binary).exists() else None)
    if not found:
        raise RuntimeError(
            f"{binary} is not installed: run `make test` (it installs the Debian packages)"
        )
    return found


@dataclass
class Redis:
    port: int
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def halt(self) -> None:
        """Stop the server, losing what it held (a crash), keeping its port for restart."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )

    def restart(self) -> None:
        _launch_redis(self.port, self.workdir)

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis() -> Redis:
    require("redis-server")
    workdir = world_dir("redis-")
    port = free_port()
    _launch_redis(port, workdir)
    return Redis(port, workdir)


def _launch_redis(port: int, workdir: Path) -> None:
    subprocess.run(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--daemonize",
            "yes",
            "--pidfile",
            str(workdir / "redis.pid"),
            "--logfile",
            str(workdir / "redis.log"),
        ],
        check=True,
    )
    wait_port(port)


@dataclass
class Postgres:
    port: int
    workdir: Path
    counter: list[int] = field(default_factory=lambda: [0])
    durable: bool = False

    def halt(self) -> None:
        """Stop at once, as a crash or a lost database host would."""
        subprocess.run(
            [
                *_AS_POSTGRES,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.workdir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
        )

    def restart(self) -> None:
        _launch_postgres(self.port, self.workdir, self.durable)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str = "") -> str:
        """A fresh database, empty or a copy of ``template`` (a database's name, which no
        one may be connected to); returns its URL."""
        import psycopg

        self.counter[0] += 1
        name = f"t{os.getpid()}_{self.counter[0]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.workdir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(self.workdir, ignore_errors=True)


_AS_POSTGRES = ["runuser", "-u", "postgres", "--"]


def start_postgres(durable: bool = False) -> Postgres:
    """A fresh cluster. ``durable``: fsync and synchronous commit on, as production runs
    it (the fault tests); otherwise off, for speed."""
    require("initdb")
    workdir = world_dir("pg-")
    shutil.chown(workdir, "postgres")
    port = free_port()
    subprocess.run(
        [
            *_AS_POSTGRES,
            str(PG_BIN / "initdb"),
            "-D",
            str(workdir / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        capture_output=True,
    )
    _launch_postgres(port, workdir, durable)
    return Postgres(port, workdir, durable=durable)


def _launch_postgres(port: int, workdir: Path, durable: bool) -> None:
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # After an immediate stop with fsync on, start-up replays the WAL; on a loaded machine
    # that can outlast pg_ctl's default 60 s wait, so wait longer and say why if it fails.
    done = subprocess.run(
        [
            *_AS_POSTGRES,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(workdir / "data"),
            "-l",
            str(workdir / "log"),
            "-w",
            "-t",
            "300",
            "-o",
            options,
            "start",
        ],
        capture_output=True,
    )
    if done.returncode != 0:
        log = (workdir / "log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"postgres did not start: {done.stderr.decode()}\n{log}")
    wait_port(port)


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {w}/dovecot/run
state_dir = {w}/dovecot/state
log_path = {w}/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{w}/mail/%u/Maildir
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {w}/dovecot/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {w}/dovecot/users
  default_fields = uid=nobody gid=nogroup home={w}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    port: int
    workdir: Path
    user: str = "consult"
    password: str = "secret"

    @property
    def conf(self) -> Path:
        return self.workdir / "dovecot" / "dovecot.conf"

    def client(self):  # type: ignore[no-untyped-def]
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    def mailbox_json(self, name: str = "consult", **extra: object) -> str:
        import json

        return json.dumps(
            [
                {
                    "name": name,
                    "host": "127.0.0.1",
                    "port": self.port,
                    "security": "none",
                    "username": self.user,
                    "password": self.password,
                    "poll_seconds": 1,
                    **extra,
                }
            ]
        )

    def stop(self) -> None:
        subprocess.run(["doveadm", "-c", str(self.conf), "stop"], capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_dovecot() -> Dovecot:
    require("dovecot")
    workdir = world_dir("dovecot-")
    port = free_port()
    for sub in ("dovecot/run", "dovecot/state", "mail"):
        (workdir / sub).mkdir(parents=True)
    shutil.chown(workdir / "mail", "nobody", "nogroup")
    (workdir / "dovecot" / "users").write_text("consult:{PLAIN}secret::::::\n")
    conf = workdir / "dovecot" / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(w=workdir, port=port))
    subprocess.run(["dovecot", "-c", str(conf)], check=True)
    wait_port(port)
    return Dovecot(port, workdir)
