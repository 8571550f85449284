#!/usr/bin/env python3
"""Start, inspect and stop a set of Bianmin app nodes behind one nginx on loopback (issue 16 item 3).

    deploy/nodes.py start  [--dir DIR] [--nodes 2] [--proxy-port 25640] [--node-port 25641] [--workers 2]
    deploy/nodes.py status [--dir DIR]
    deploy/nodes.py kill N [--dir DIR]          SIGKILL node N, master and workers at once (the failure drill)
    deploy/nodes.py manage [--dir DIR] ARGS...  run manage.py ARGS with the nodes' environment
    deploy/nodes.py stop   [--dir DIR] [--clean]
    deploy/nodes.py render --node ADDR [--node ADDR ...] [--listen ...]   print nginx.conf for a real deployment

`start` uses DATABASE_URL, or starts a throwaway PostgreSQL of its own in DIR (like bench/http_bench.py) when none
is set; migrates once and collects the static files once; starts node 1..N (gunicorn, deploy/gunicorn.conf.py,
`config.settings.prod`) on 127.0.0.1:node-port, node-port+1, ...; then nginx (deploy/nginx.conf.template) on
127.0.0.1:proxy-port with its prefix, pid, logs and temp files in DIR/nginx. Every node gets the same environment:
the settings, the database, the secrets (SECRET_KEY, BIANMIN_FIELD_KEYS, BIANMIN_BLIND_INDEX_KEY from the
environment, else generated once and kept in DIR/secrets.json, mode 600), the upload directory DIR/media (one
directory for all nodes: in production a shared mount) and ALLOWED_HOSTS=127.0.0.1. The production settings are
not weakened: nginx tells the nodes X-Forwarded-Proto: https on this loopback listener (deploy/README.md).

Only the standard library; processes are ended by the ids this script recorded (DIR/state.json), never by name.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn.conf.py"
HOST = "127.0.0.1"
# The default ports are below Linux's ephemeral range (32768-60999): an outgoing connection on a busy machine can hold
# a port inside it for minutes, and a node that cannot bind its port does not start.
DEFAULT_DIR = Path(os.environ.get("BIANMIN_NODES_DIR", "/tmp/bianmin-nodes"))
SERVER_LINE = "server {address} max_fails=2 fail_timeout=10s;"
SECRET_NAMES = ("SECRET_KEY", "BIANMIN_FIELD_KEYS", "BIANMIN_BLIND_INDEX_KEY")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- processes ----------------------------------------------------------------------------------------------------

def alive(pid: int | None) -> bool:
    """Whether process ``pid`` runs (a zombie left for a parent to reap counts as ended)."""
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def ours(pid: int | None, word: str) -> bool:
    """Whether ``pid`` is alive and still the program we started (guards against a reused process id)."""
    return bool(pid) and alive(pid) and word in command_of(pid or 0)


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return not alive(pid)


def port_free(port: int) -> bool:
    """Whether a listener may bind 127.0.0.1:``port`` now (as gunicorn and nginx do, with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def answers(port: int, path: str = "/") -> int | None:
    """The HTTP status 127.0.0.1:``port`` answers a GET of ``path`` with (as nginx would ask), or None."""
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


# --- PostgreSQL of its own ------------------------------------------------------------------------------------------

def pg_bin() -> Path:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / "initdb").exists():
            return d
    found = shutil.which("initdb")
    if not found:
        raise SystemExit("no DATABASE_URL and no PostgreSQL server binaries (initdb): set DATABASE_URL")
    return Path(found).parent


def as_postgres(command: str, directory: Path) -> None:
    """Run ``command`` as the unprivileged `postgres` user when root (initdb refuses root), else as ourselves."""
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run(["/bin/sh", "-c", command], check=True, stdout=subprocess.DEVNULL)


def start_postgres(directory: Path, port: int) -> str:
    binaries = pg_bin()
    directory.mkdir(parents=True)
    data = directory / "data"
    as_postgres(f"'{binaries}/initdb' -D '{data}' -U postgres -A trust -E UTF8 --locale=C.UTF-8", directory)
    options = f"-p {port} -k {directory} -c listen_addresses={HOST} -c fsync=off -c synchronous_commit=off"
    as_postgres(f"'{binaries}/pg_ctl' -D '{data}' -o \"{options}\" -l '{directory}/log' -w start", directory)
    subprocess.run([str(binaries / "psql"), "-h", HOST, "-p", str(port), "-U", "postgres", "-c",
                    "CREATE DATABASE bianmin"], check=True, stdout=subprocess.DEVNULL)
    return f"postgres://postgres@{HOST}:{port}/bianmin"


def stop_postgres(directory: Path) -> None:
    if (directory / "data").exists():
        as_postgres(f"'{pg_bin()}/pg_ctl' -D '{directory / 'data'}' -m fast stop", directory)
    shutil.rmtree(directory, ignore_errors=True)


# --- state, secrets, environment ------------------------------------------------------------------------------------

def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def save(path: Path, data: dict[str, Any], mode: int = 0o644) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    path.chmod(mode)


def node_secrets(directory: Path, database_url: str) -> dict[str, str]:
    """The secrets and the database every node shares: from the environment when set there, else generated once."""
    kept = load(directory / "secrets.json")
    if all(os.environ.get(name) for name in SECRET_NAMES):
        values = {name: os.environ[name] for name in SECRET_NAMES}
    elif all(kept.get(name) for name in SECRET_NAMES):
        values = {name: kept[name] for name in SECRET_NAMES}
    else:  # as .ci/run's check --deploy line makes them
        values = {"SECRET_KEY": secrets.token_urlsafe(64),
                  "BIANMIN_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),  # one Fernet key
                  "BIANMIN_BLIND_INDEX_KEY": secrets.token_urlsafe(48)}
    values["DATABASE_URL"] = database_url
    save(directory / "secrets.json", values, 0o600)
    return values


def node_env(directory: Path, kept: dict[str, str], settings: str) -> dict[str, str]:
    return {**os.environ, **kept,
            "DJANGO_SETTINGS_MODULE": settings,
            "ALLOWED_HOSTS": HOST,
            "BIANMIN_TRUSTED_PROXIES": HOST,  # nginx: its X-Forwarded-For names the client
            "BIANMIN_MEDIA_ROOT": str(directory / "media"),  # one upload directory for every node
            "BIANMIN_STATIC_ROOT": str(directory / "static"),
            "BIANMIN_AUDIT_ANCHOR_FILE": str(directory / "audit-anchors.jsonl")}


def manage(env: dict[str, str], *args: str, log: Path | None = None) -> None:
    out = log.open("ab") if log else None
    try:
        subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=out, stderr=subprocess.STDOUT if out else None)
    finally:
        if out:
            out.close()


# --- nginx --------------------------------------------------------------------------------------------------------

def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise SystemExit("nginx is not installed (apt-get install nginx)")
    return found


def render(*, prefix: str, listen: str, nodes: list[str], forwarded_proto: str, error_log_level: str) -> str:
    text = TEMPLATE.read_text()
    servers = "\n        ".join(SERVER_LINE.format(address=address) for address in nodes)
    for name, value in (("PREFIX", prefix), ("LISTEN", listen), ("SERVERS", servers),
                        ("FORWARDED_PROTO", forwarded_proto), ("ERROR_LOG_LEVEL", error_log_level)):
        text = text.replace(f"@{name}@", value)
    return text


def start_nginx(prefix: Path, port: int, node_ports: list[int], error_log_level: str) -> int:
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)  # nginx's workers (user nobody when started as root) write the temp directories here
    conf = prefix / "nginx.conf"
    conf.write_text(render(prefix=str(prefix), listen=f"{HOST}:{port}", nodes=[f"{HOST}:{p}" for p in node_ports],
                           forwarded_proto="https", error_log_level=error_log_level))
    command = [nginx_binary(), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    subprocess.run([*command, "-t", "-q"], check=True)
    subprocess.run(command, check=True)  # daemonises; the master writes its pid file
    pid_file = prefix / "nginx.pid"
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            return int(pid_file.read_text())
        time.sleep(0.1)
    raise RuntimeError("nginx did not write its pid file")


# --- the commands -------------------------------------------------------------------------------------------------

def start(args: argparse.Namespace) -> int:
    directory: Path = args.dir
    state_file = directory / "state.json"
    state = load(state_file)
    if state and (ours(state.get("proxy", {}).get("pid"), "nginx")
                  or any(ours(n.get("pid"), "gunicorn") for n in state.get("nodes", []))):
        say(f"a set is already running from {directory}: `deploy/nodes.py stop --dir {directory}` first")
        return 1
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    node_ports = [args.node_port + i for i in range(args.nodes)]
    taken = [p for p in (args.proxy_port, *node_ports) if not port_free(p)]
    if taken:
        say(f"port {', '.join(map(str, taken))} of {HOST} is in use: choose others (--proxy-port, --node-port)")
        return 1
    state = {"dir": str(directory), "settings": args.settings, "own_postgres": None,
             "proxy": {"port": args.proxy_port, "pid": None}, "nodes": []}
    try:
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            say(f"== no DATABASE_URL: a throwaway PostgreSQL on {HOST}:{args.pg_port} in {directory / 'pg'}")
            state["own_postgres"] = {"dir": str(directory / "pg"), "port": args.pg_port}
            save(state_file, state)
            url = start_postgres(directory / "pg", args.pg_port)
        env = node_env(directory, node_secrets(directory, url), args.settings)
        (directory / "media").mkdir(exist_ok=True)
        t0 = time.monotonic()
        say("== migrate (once, before any node starts)")
        manage(env, "migrate", "--noinput", log=directory / "manage.log")
        say("== collectstatic (once; WhiteNoise serves them on every node)")
        manage(env, "collectstatic", "--noinput", "-v0", log=directory / "manage.log")
        for n, port in enumerate(node_ports, start=1):
            node_dir = directory / f"node{n}"
            node_dir.mkdir(exist_ok=True)
            with (node_dir / "node.log").open("ab") as log:
                process = subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "config.wsgi"], cwd=ROOT,
                    env={**env, "BIANMIN_BIND": f"{HOST}:{port}", "BIANMIN_WORKERS": str(args.workers),
                         "BIANMIN_NODE_NAME": f"bianmin-node{n}", "BIANMIN_PIDFILE": str(node_dir / "gunicorn.pid")},
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)  # its own process group: `kill` ends master and workers together
            state["nodes"].append({"n": n, "port": port, "pid": process.pid, "log": str(node_dir / "node.log")})
            save(state_file, state)
        deadline = time.monotonic() + args.wait
        for node in state["nodes"]:
            while answers(node["port"]) is None:
                if not alive(node["pid"]) or time.monotonic() > deadline:
                    raise RuntimeError(f"node {node['n']} did not start: see {node['log']}")
                time.sleep(0.3)
        state["proxy"]["pid"] = start_nginx(directory / "nginx", args.proxy_port, node_ports, args.error_log_level)
        save(state_file, state)
        while answers(args.proxy_port) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx does not answer: see {directory / 'nginx' / 'error.log'}")
            time.sleep(0.3)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        say(f"start failed: {exc}")
        stop_set(directory, state)
        return 1
    say(f"== up in {time.monotonic() - t0:.0f} s: proxy http://{HOST}:{args.proxy_port}/ -> "
        + ", ".join(f"node{n['n']} {HOST}:{n['port']} (pid {n['pid']})" for n in state["nodes"])
        + f"; logs in {directory}")
    return 0


def status(args: argparse.Namespace) -> int:
    state = load(args.dir / "state.json")
    if not state:
        say(f"nothing started from {args.dir}")
        return 3
    up = True
    rows = [("proxy", state["proxy"]["port"], state["proxy"]["pid"], "nginx")]
    rows += [(f"node{n['n']}", n["port"], n["pid"], "gunicorn") for n in state["nodes"]]
    for name, port, pid, word in rows:
        running = ours(pid, word)
        code = answers(port) if running else None
        up = up and code is not None
        say(f"{name:6} http://{HOST}:{port}/  pid {pid}  "
            + (f"up (HTTP {code})" if code is not None else "running, not answering" if running else "down"))
    return 0 if up else 3


def kill(args: argparse.Namespace) -> int:
    state = load(args.dir / "state.json")
    node = next((n for n in state.get("nodes", []) if n["n"] == args.node), None)
    if node is None or not ours(node["pid"], "gunicorn"):
        say(f"node {args.node} is not running")
        return 1
    os.killpg(node["pid"], signal.SIGKILL)  # its own process group (start_new_session): master and workers
    say(f"node{args.node} (pid {node['pid']}) killed with SIGKILL at {time.time():.3f}")
    return 0


def stop_set(directory: Path, state: dict[str, Any]) -> None:
    proxy = state.get("proxy", {}).get("pid")
    if ours(proxy, "nginx"):
        os.kill(proxy, signal.SIGQUIT)  # graceful: finish the requests in progress
        if not wait_gone(proxy, 10):
            os.kill(proxy, signal.SIGKILL)
    for node in state.get("nodes", []):
        if ours(node["pid"], "gunicorn"):
            os.kill(node["pid"], signal.SIGTERM)  # graceful (gunicorn.conf.py graceful_timeout)
            if not wait_gone(node["pid"], 35):
                os.killpg(node["pid"], signal.SIGKILL)
        try:  # the workers of a node whose master was killed on its own (they leave within a second or two)
            os.killpg(node["pid"], 0)
        except OSError:
            continue
        time.sleep(2)
        try:
            os.killpg(node["pid"], signal.SIGKILL)
        except OSError:
            pass
    own = state.get("own_postgres")
    if own:
        stop_postgres(Path(own["dir"]))


def stop(args: argparse.Namespace) -> int:
    state = load(args.dir / "state.json")
    if not state:
        say(f"nothing started from {args.dir}")
    else:
        stop_set(args.dir, state)
        (args.dir / "state.json").unlink(missing_ok=True)
        say("stopped" + (f"; logs kept in {args.dir}" if not args.clean else ""))
    if args.clean:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


def run_manage(args: argparse.Namespace) -> int:
    state = load(args.dir / "state.json")
    kept = load(args.dir / "secrets.json")
    if not state or not kept:
        say(f"nothing started from {args.dir}")
        return 1
    env = node_env(args.dir, {k: v for k, v in kept.items() if k in (*SECRET_NAMES, "DATABASE_URL")},
                   state["settings"])
    return subprocess.run([str(BIN / "python"), "manage.py", *args.args], cwd=ROOT, env=env).returncode


def print_config(args: argparse.Namespace) -> int:
    sys.stdout.write(render(prefix=args.prefix, listen=args.listen, nodes=args.node,
                            forwarded_proto=args.forwarded_proto, error_log_level=args.error_log_level))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        if name != "render":
            p.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                           help=f"state, logs, uploads (default {DEFAULT_DIR})")
        return p

    p = command("start", start, "start PostgreSQL if needed, migrate, the nodes and nginx")
    p.add_argument("--nodes", type=int, default=2)
    p.add_argument("--proxy-port", type=int, default=25640)
    p.add_argument("--node-port", type=int, default=25641, help="node 1's port; node n listens on this + n - 1")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    p.add_argument("--pg-port", type=int, default=25639, help="the throwaway PostgreSQL's port (no DATABASE_URL)")
    p.add_argument("--settings", default="config.settings.prod")
    p.add_argument("--error-log-level", default="crit", help="nginx error_log level (crit keeps requests out)")
    p.add_argument("--wait", type=float, default=180, help="seconds to wait for the nodes and nginx to answer")
    command("status", status, "say what runs and answers (exit 3 if anything is down)")
    p = command("kill", kill, "SIGKILL one node, master and workers (the failure drill)")
    p.add_argument("node", type=int)
    p = command("stop", stop, "stop nginx, the nodes and the throwaway PostgreSQL")
    p.add_argument("--clean", action="store_true", help="also delete the directory (logs, uploads, secrets)")
    p = command("manage", run_manage, "run manage.py with the nodes' environment")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p = command("render", print_config, "print nginx.conf for the given nodes")
    p.add_argument("--node", action="append", required=True, help="a node's address (host:port); repeat")
    p.add_argument("--listen", default="443 ssl", help="nginx listen parameters (add the certificate lines)")
    p.add_argument("--prefix", default="/var/lib/bianmin-nginx", help="pid, logs and temp files")
    p.add_argument("--forwarded-proto", default="$scheme")
    p.add_argument("--error-log-level", default="crit")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
