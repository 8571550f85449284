"""Back up the database to one file and restore it into an empty database (README "Backup and restore").

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --single-transaction`` run as subprocesses with the
connection's parameters in the libpq environment (the password never appears in a command line). SQLite: the
online backup API, page by page, consistent while the application keeps writing. Each backup gets a
``<file>.sha256`` beside it (``sha256sum -c`` format), which ``restore_database`` checks first.
"""
from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why (in Chinese)."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    sha256: str
    vendor: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _libpq_env(settings_dict: dict) -> dict[str, str]:
    """Return the environment that points libpq tools at the connection's database."""
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                      ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return env


def _major(binary: str) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True,  # noqa: S603
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def _server_major(connection: BaseDatabaseWrapper) -> int:
    """Return the major version of the PostgreSQL server behind ``connection`` (already connected)."""
    from django.db.backends.postgresql.base import DatabaseWrapper  # needs psycopg: PostgreSQL only

    assert isinstance(connection, DatabaseWrapper)
    return connection.pg_version // 10000


def pg_tool(name: str, server_major: int) -> str:
    """Return the path of ``pg_dump`` or ``pg_restore`` whose major version is the server's (or the nearest newer
    one), looking in PATH and in Debian's /usr/lib/postgresql/<version>/bin. Raises ``BackupError``."""
    candidates = {p for p in [shutil.which(name), *glob.glob(f"{PG_BIN_GLOB}/{name}")] if p}
    versions = sorted((major, path) for path in candidates if (major := _major(path)) is not None)
    usable = [(major, path) for major, path in versions if major >= server_major]
    if not usable:
        found = "、".join(f"{path}（{major}）" for major, path in versions) or "无"
        raise BackupError(f"找不到 PostgreSQL {server_major} 或更新版本的 {name}（已找到：{found}）；"
                          f"请安装 postgresql-client-{server_major}")
    return usable[0][1]


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def backup_database(*, output: Path, using: str = "default") -> BackupFile:
    """Write a complete backup of the database to ``output`` (replaced atomically) and its checksum file.

    Raises ``BackupError`` (a missing tool, a failed dump, a copy that does not read back).
    """
    connection = connections[using]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.unlink(missing_ok=True)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        major = _server_major(connection)
        env = _libpq_env(connection.settings_dict)
        _run([pg_tool("pg_dump", major), "--format=custom", "--no-password", f"--file={partial}"], env)
        _run([pg_tool("pg_restore", major), "--list", str(partial)], env)  # the archive reads back
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份文件完整性检查未通过")
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    else:
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")
    os.replace(partial, output)
    digest = _sha256(output)
    _checksum_path(output).write_text(f"{digest}  {output.name}\n", encoding="utf-8")
    return BackupFile(path=output, size=output.stat().st_size, sha256=digest, vendor=connection.vendor)


def _check_checksum(path: Path) -> None:
    checksum = _checksum_path(path)
    if checksum.exists():
        expected = checksum.read_text(encoding="utf-8").split()[0]
        if _sha256(path) != expected:
            raise BackupError(f"备份文件与校验和 {checksum.name} 不符：文件已损坏或被改动")


def restore_database(*, source: Path, using: str = "default") -> None:
    """Restore the backup ``source`` into the configured database, which must be empty (a new database).

    Raises ``BackupError`` if the target holds tables, the checksum does not match or the restore fails (on
    PostgreSQL the restore is one transaction: a failure leaves the database empty).
    """
    connection = connections[using]
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}")
    _check_checksum(source)
    existing = connection.introspection.table_names()
    if existing:
        raise BackupError(f"目标数据库 {connection.settings_dict['NAME']} 不是空库（已有 {len(existing)} 张表）："
                          "请新建一个空库并把 DATABASE_URL 指向它再恢复")
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        major = _server_major(connection)
        env = _libpq_env(connection.settings_dict)
        connection.close()
        _run([pg_tool("pg_restore", major), "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", "--no-password", f"--dbname={env['PGDATABASE']}", str(source)], env)
    elif connection.vendor == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份文件完整性检查未通过")
            connection.ensure_connection()
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()
    else:
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")
