"""The node-failure drill (issue 16 item 3): two app nodes behind nginx, one killed with SIGKILL under load.

Starts the set with deploy/nodes.py (nginx on 127.0.0.1:25640, nodes on 25641 and 25642, production settings) on a
database of its own (``bianmin_drill``, created and dropped on the PostgreSQL server of DATABASE_URL), loads the
demo county, signs 8 clients in through the proxy and has them create cases (``POST /api/v1/cases``, each with a new
``Idempotency-Key`` and an applicant name that marks it). A few seconds in, node 1 is killed — master and workers at
once, as a machine that loses power. A client whose request failed (502 from nginx, a dropped connection, 409 while
the key is in use) sends it again with the same key until it is answered 201. Then:

- every key made exactly one case (counted in the database by the applicant marker), with the number its answer
  gave; no case was lost, none made twice, no number given twice;
- after the kill no request was answered by the dead node, every request succeeded, and nginx sent the dead node
  only its periodic probe (``max_fails``/``fail_timeout``), read from its access log (``$upstream_addr``).

Skipped unless BIANMIN_DRILL=1; then it must run (DATABASE_URL must be PostgreSQL and nginx installed):
    BIANMIN_DRILL=1 DATABASE_URL=postgres://... .venv/bin/python -m pytest -q tests/deploy
"""
from __future__ import annotations

import http.client
import json
import math
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.drill
ROOT = Path(__file__).resolve().parents[2]
NODES = [str(ROOT / "deploy" / "nodes.py")]
HOST, PROXY, NODE_PORTS = "127.0.0.1", 25640, (25641, 25642)
DEAD, LIVE = f"{HOST}:{NODE_PORTS[0]}", f"{HOST}:{NODE_PORTS[1]}"
DATABASE = "bianmin_drill"
CLIENTS = 8
KILL_AFTER, RUN_FOR = 8.0, 26.0  # seconds from the start of the load; RUN_FOR - KILL_AFTER > fail_timeout (10 s)
GIVE_UP_AFTER = 60.0  # a key still failing after this long is counted lost (the test fails)
MARK = "演练"
ID = "11010519491231002X"
ITEM = {"item": "YX-0002", "materials": [{"material": "食品经营许可申请书"},
                                         {"material": "经营场所平面图、设备布局图及操作流程说明"},
                                         {"material": "食品安全管理人员名单及身份证明"}]}


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def _nodes(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *NODES, *args], cwd=ROOT, env=env, check=check,  # noqa: S603
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def drill_set(tmp_path_factory):
    if os.environ.get("BIANMIN_DRILL") != "1":
        pytest.skip("the node-failure drill runs with BIANMIN_DRILL=1 (and DATABASE_URL=postgres://...)")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("BIANMIN_DRILL=1 needs DATABASE_URL naming a PostgreSQL server")
    if not any(Path(d, "nginx").exists() for d in ("/usr/sbin", "/usr/bin")):
        pytest.fail("BIANMIN_DRILL=1 needs nginx (apt-get install nginx)")
    # The set's directory (state, logs, uploads); .ci/run names it, to stop the set if the run is cut short.
    directory = Path(os.environ.get("BIANMIN_DRILL_DIR") or tmp_path_factory.mktemp("nodes"))
    drill_url = _server_url(url, DATABASE)
    _admin(url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    _admin(url, f"CREATE DATABASE {DATABASE}")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY",
                                                            "BIANMIN_FIELD_KEYS", "BIANMIN_BLIND_INDEX_KEY")}
    env["DATABASE_URL"] = drill_url
    try:
        started = _nodes("start", "--dir", str(directory), "--proxy-port", str(PROXY), "--node-port",
                         str(NODE_PORTS[0]), "--workers", "2", "--error-log-level", "warn", env=env, check=False)
        assert started.returncode == 0, started.stdout + started.stderr
        _nodes("manage", "--dir", str(directory), "seed_demo", "--no-history",
               "--settings=tests.deploy.drill_settings", env=env)
        yield {"dir": directory, "url": drill_url, "env": env}
    finally:
        _nodes("stop", "--dir", str(directory), env=env, check=False)
        _admin(url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


class Client:
    """One client of the proxy: a keep-alive connection, opened again after a failure."""

    def __init__(self) -> None:
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, payload: dict, headers: dict[str, str]) -> tuple[int | None, dict, dict]:
        """(status, JSON body, headers), or (None, {}, {}) when the connection failed."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, PROXY, timeout=30)
            self.conn.request("POST", path, json.dumps(payload),
                              {"Content-Type": "application/json", **headers})
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                body = json.loads(data or b"{}")
            except ValueError:
                body = {"raw": data[:200].decode(errors="replace")}
            return response.status, body, dict(response.getheaders())
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None, {}, {}


def _client(n: int, start: float, token: str, done: list, problems: list, lock: threading.Lock) -> None:
    client, seq = Client(), 0
    auth = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < start + RUN_FOR:
        seq += 1
        marker, key = f"{MARK}{n:02d}{seq:05d}", str(uuid.uuid4())
        payload = {**ITEM, "applicant": {"name": marker, "id_number": ID, "phone": "13800138000"}}
        first, tries, statuses = time.monotonic(), 0, []
        while True:
            tries += 1
            status, body, headers = client.post("/api/v1/cases", payload, {**auth, "Idempotency-Key": key})
            statuses.append(status)
            if status == 201:
                with lock:
                    done.append({"marker": marker, "key": key, "number": body["number"], "tries": tries,
                                 "statuses": statuses, "replayed": headers.get("Idempotent-Replayed") == "true"})
                break
            if status not in (None, 409, 502, 503, 504) or time.monotonic() - first > GIVE_UP_AFTER:
                with lock:
                    problems.append({"marker": marker, "status": status, "body": body, "statuses": statuses})
                break
            # The same request with the same key: 409 says the key's first request still runs somewhere.
            time.sleep(min(float(headers.get("Retry-After", 1)), 2.0) if status == 409 else 0.2)


def _sign_in() -> str:
    status, body, _ = Client().post("/api/v1/auth/token", {"username": "window1", "password": "Bianmin-Demo-2026"},
                                    {})
    assert status == 200, body
    return body["token"]


def _access_log(path: Path) -> list[dict]:
    """The nginx access log (deploy/nginx.conf.template's `bianmin` format) as dicts."""
    lines = []
    for line in path.read_text().splitlines():
        head, _, rest = line.partition(' "')
        msec, _address = head.split(" ", 1)
        request, _, rest = rest.partition('" ')
        status = int(rest.split(" ", 1)[0])
        quoted = rest.split('"')
        lines.append({"at": float(msec), "request": request, "status": status,
                      "tried": [a.strip() for a in quoted[1].replace(" : ", ", ").split(",") if a.strip()],
                      "statuses": [s.strip() for s in quoted[3].replace(" : ", ", ").split(",") if s.strip()]})
    return lines


def _cases(url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT applicant_name, number FROM cases_case WHERE applicant_name LIKE %s",
                            [f"{MARK}%"]).fetchall()


def test_a_node_killed_under_load_loses_and_duplicates_no_case(drill_set, capsys):
    tokens = [_sign_in() for _ in range(CLIENTS)]  # each client signs in through the proxy
    done: list[dict] = []
    problems: list[dict] = []
    lock = threading.Lock()
    start = time.monotonic()
    threads = [threading.Thread(target=_client, args=(n, start, tokens[n], done, problems, lock), daemon=True)
               for n in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(KILL_AFTER)
    killed = _nodes("kill", "1", "--dir", str(drill_set["dir"]), env=drill_set["env"])
    killed_at = float(killed.stdout.rsplit(" at ", 1)[1])  # the moment of the SIGKILL, as nodes.py took it
    for t in threads:
        t.join(RUN_FOR + GIVE_UP_AFTER + 30)
    ended_at = time.time()
    assert not any(t.is_alive() for t in threads)
    still = _nodes("status", "--dir", str(drill_set["dir"]), env=drill_set["env"], check=False).stdout

    # The clients: every request was answered 201 in the end, with the same key.
    assert problems == [], problems[:5]
    retried = [d for d in done if d["tries"] > 1]
    assert retried, "the kill failed no request in flight: nothing was tested"

    # The database: one case per key, with the number the answer gave; nothing lost, nothing extra.
    rows = _cases(drill_set["url"])
    per_marker = Counter(name for name, _ in rows)
    assert [m for m, c in per_marker.items() if c > 1] == []  # no key made two cases
    assert set(per_marker) == {d["marker"] for d in done}  # none lost, none made by a request no client saw end
    assert dict(rows) == {d["marker"]: d["number"] for d in done}
    numbers = [number for _, number in rows]
    assert len(numbers) == len(set(numbers))

    # The proxy: after the kill no answer came from the dead node, every request succeeded, and the dead node was
    # tried again only by the periodic probe (max_fails=2 fail_timeout=10s; one zone shared by nginx's workers).
    log = [e for e in _access_log(drill_set["dir"] / "nginx" / "access.log") if "/api/v1/cases" in e["request"]]
    before = [e for e in log if e["at"] < killed_at]
    assert {e["tried"][-1] for e in before if e["status"] == 201} == {DEAD, LIVE}  # both nodes served
    failed = [e for e in log if e["at"] >= killed_at and e["status"] >= 500]
    assert failed and all(e["tried"] == [DEAD] for e in failed)  # the requests in flight on the dead node
    settled = killed_at + 2.0
    after = [e for e in log if e["at"] >= settled]
    assert after and all(e["status"] == 201 and e["tried"][-1] == LIVE for e in after)
    probes = [e for e in after if DEAD in e["tried"]]
    allowed = math.ceil((ended_at - settled) / 10.0) + 2
    assert len(probes) <= allowed, (len(probes), allowed)
    assert [line for line in still.splitlines() if line.startswith("node1")][0].endswith("down")

    figures = {
        "clients": CLIENTS, "seconds": RUN_FOR, "killed_after_s": KILL_AFTER,
        "cases": len(rows), "keys": len(done), "requests": len(log),
        "requests_by_status": dict(Counter(e["status"] for e in log)),
        "keys_retried": len(retried), "retries": sum(d["tries"] - 1 for d in done),
        "answers_replayed": sum(d["replayed"] for d in done),
        "failed_at_kill": len(failed), "requests_after_kill": len([e for e in log if e["at"] >= killed_at]),
        "dead_node_probes_after_kill": len(probes), "probes_allowed": allowed,
        "answered_by": {"before_kill": dict(Counter(e["tried"][-1] for e in before)),
                        "after_kill": dict(Counter(e["tried"][-1] for e in log if e["at"] >= killed_at))},
    }
    (drill_set["dir"] / "drill.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        sys.stdout.write("\n[drill] " + json.dumps(figures, ensure_ascii=False) + "\n")
