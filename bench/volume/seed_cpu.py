"""End-to-end seed_volume run with CPU per case of each side and phase, from /proc (load-robust, unlike the rate).

  python bench/volume/seed_cpu.py --port 55820 --template tmpl [--code /path/to/checkout] [--keep] -- \
      --cases 1000000 --days 365 --counties 100

Creates a database from ``--template`` (a database after ``migrate`` and ``seed_demo --no-history``; CREATE DATABASE
… TEMPLATE copies it in a second), runs ``manage.py seed_volume`` of ``--code`` (default: this checkout) against it
with ``config.settings.bench``, and prints the wall time and the CPU of:

- Python: the command's process and its worker processes (``/proc/<pid>/stat`` utime+stime+cutime+cstime);
- PostgreSQL: every process of the cluster, ended ones included (the postmaster's cutime+cstime collects backends and
  parallel workers that exited), so the COPY backend, parallel maintenance workers, extra build connections, the
  WAL writer and the checkpointer all count;

at the end of the load phase (the command's "载入用时" line) and at the end, so the load and rebuild phases are
reported apart. The load average (with the hypervisor's steal time) is printed before and after, and the WAL the
cluster wrote. The database is dropped afterwards unless ``--keep``.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parents[2]


def stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu(pid: int, children: bool = True) -> float:
    f = stat(pid)
    if f is None:
        return 0.0
    own = int(f[11]) + int(f[12])
    return (own + (int(f[13]) + int(f[14]) if children else 0)) / HZ


def tree(root: int) -> list[int]:
    """Return ``root`` and its live descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            f = stat(int(entry.name))
            if f is not None:
                parents.setdefault(int(f[1]), []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def tree_cpu(root: int) -> float:
    """CPU of ``root`` (with its reaped children) and of its live descendants (with theirs)."""
    return sum(cpu(pid) for pid in tree(root))


def loadavg() -> str:
    """The load average, and the CPU time the hypervisor gave others so far (steal, s; a VM's noisy neighbours)."""
    steal = int(Path("/proc/stat").read_text().split()[8]) / HZ
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) + f" (steal {steal:.1f} s)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--code", default=str(ROOT))
    ap.add_argument("--db", default=f"seedcpu_{os.getpid()}")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--datadir", help="the cluster's data directory (default: from the port's postmaster.pid search)")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    rest = [a for a in args.rest if a != "--"]
    cases = int(rest[rest.index("--cases") + 1])
    psql = ["psql", "-h", "127.0.0.1", "-p", str(args.port), "-U", "postgres", "-qAtc"]
    subprocess.run([*psql, f"CREATE DATABASE {args.db} TEMPLATE {args.template}"], check=True)
    datadir = args.datadir or subprocess.run([*psql, "SHOW data_directory"], check=True, capture_output=True,
                                             text=True).stdout.strip()
    postmaster = int(Path(datadir, "postmaster.pid").read_text().split()[0])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.port}/{args.db}"}
    wal = [*psql, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"]
    lsn0 = int(float(subprocess.run(wal, check=True, capture_output=True, text=True).stdout))
    print(f"load before: {loadavg()}", flush=True)
    db0, t0 = tree_cpu(postmaster), time.monotonic()
    proc = subprocess.Popen([f"{args.code}/.venv/bin/python", "manage.py", "seed_volume", *rest], cwd=args.code,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    marks: list[tuple[str, float, float, float, float]] = []  # (label, wall, python, main process alone, postgres)
    buf = ""
    assert proc.stdout is not None
    while True:
        ch = proc.stdout.read(1)
        if not ch:
            break
        if ch in "\r\n":
            line, buf = buf, ""
            if line.startswith("载入用时") or line.startswith("县") or line.startswith("申请人池"):
                marks.append((line.split("，")[0][:12], time.monotonic() - t0, tree_cpu(proc.pid), cpu(proc.pid, children=False),
                              tree_cpu(postmaster) - db0))
            if line and not line.startswith("已生成"):
                print(line, flush=True)
            continue
        buf += ch
    rc = proc.wait()
    py = resource.getrusage(resource.RUSAGE_CHILDREN)
    py_total = py.ru_utime + py.ru_stime  # this runner's children: the command and (reaped by it) its workers
    wall = time.monotonic() - t0
    db = tree_cpu(postmaster) - db0
    lsn = int(float(subprocess.run(wal, check=True, capture_output=True, text=True).stdout))
    print(f"load after: {loadavg()}; exit {rc}; WAL written {(lsn - lsn0) / 2**20:,.0f} MiB")
    prev = ("start", 0.0, 0.0, 0.0, 0.0)
    for mark in [*marks, ("end", wall, py_total, float("nan"), db)]:
        name, w, p, m, d = mark
        print(f"  phase to {name}: wall {w - prev[1]:7.1f} s, python {p - prev[2]:7.1f} s = "
              f"{(p - prev[2]) / cases * 1e6:6.1f} µs/case (main process {(m - prev[3]) / cases * 1e6:5.1f}), "
              f"postgres {d - prev[4]:7.1f} s = {(d - prev[4]) / cases * 1e6:6.1f} µs/case")
        prev = mark
    print(f"TOTAL {cases:,} cases: wall {wall:.1f} s = {cases / wall:,.0f} cases/s; CPU python {py_total:.1f} s "
          f"({py_total / cases * 1e6:.1f} µs/case) + postgres {db:.1f} s ({db / cases * 1e6:.1f} µs/case) = "
          f"{(py_total + db) / cases * 1e6:.1f} µs/case -> {cases / ((py_total + db) / 2):,.0f} cases/s if 2 cores "
          f"were ours alone and always busy")
    if not args.keep:
        subprocess.run([*psql, f"DROP DATABASE {args.db}"], check=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
