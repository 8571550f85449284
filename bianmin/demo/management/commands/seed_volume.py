"""Generate realistic case history in bulk for benchmarks (after seed_demo). Shows progress.

    manage.py seed_volume --cases 200000 [--days 730] [--seed 1] [--counties 100] [--workers 2]

Cases are spread evenly over the units that take cases (county and town centers, institution desks) and their
working days in the past ``--days`` days (never today), each numbered in the order it came in after the unit's last
number that day. Their items, window staff, statuses in realistic proportions and the events, materials and notices
each status implies follow the same rules as before: open cases are recent (a case runs about its committed limit;
an old open case is a rare backlog), about one application in twelve was served a 补正 notice on the way,
special-procedure pauses (~5 % of cases whose item allows one, some still running), approved or pending extensions
(~2 %), the warning state the sweep would have left, and violation records (every overdue or late case, plus a few
recorded by supervisors). The audit trail is not written for generated history.

Applicants come from a pool per county (about one person per 30 cases, 100,000 at most, each sealed once: an
encrypted ID number and phone with their blind indexes and masked copies, as receive_case stores them), so people
apply more than once. ``--counties N`` first adds counties up to N (``bianmin.demo.volume.province``), each with a
county center, three town centers and twenty window staff, so the cases spread like a province's.

On PostgreSQL the rows are generated in ``--workers`` processes and streamed with COPY in one transaction; a load
of at least ``--rebuild-from`` cases (and at least as many as there are) drops the tables' indexes and foreign keys
first, writing their definitions into a ledger in the same transaction (see ``bianmin.demo.volume.load``); the
primary-key and unique constraints are built again before the commit and the foreign keys re-added ``NOT VALID``,
and after the commit the plain indexes are built and the keys validated from the ledger on
``--rebuild-connections`` connections at once, each item in its own transaction (``bianmin.demo.volume.rebuild``).
A run that stopped before the ledger was done is completed by the next one, first, or by ``seed_volume --finish``
alone; ``manage.py check --database default`` warns until then.
The ids of cases, events, materials and notices are reserved up front, a block a batch (``generate.IDS_PER_CASE``),
and written with the rows. SQLite gets plain inserts of the same rows.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.pool
import os
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Mapping
from itertools import islice

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bianmin.cases.models import Case, CaseCounter
from bianmin.core.counters import advance_sequences, settle_counters
from bianmin.demo.volume import generate as gen
from bianmin.demo.volume import rebuild as ledger
from bianmin.demo.volume.context import NoDemoData, build_context, plan_batches, seal_applicants
from bianmin.demo.volume.load import loader_for
from bianmin.demo.volume.rows import MissingColumn

SEAL_CHUNK = 500
# Where the workers leave their batches, in a private directory made by ``tempfile`` (mode 0700, random name): a
# tmpfs, or the system's temporary directory where there is none.
SHARED_MEMORY = "/dev/shm"  # noqa: S108


# A generous bound of one case's COPY text with its history (≈ 1.6 kB measured), for the room the batches in flight
# need; a tmpfs with less (a container's 64 MB /dev/shm) is passed over for the system's temporary directory.
BYTES_PER_CASE = 4096


def _workers(count: int) -> multiprocessing.pool.Pool:
    """A pool of ``count`` forked workers that end on the pool's SIGTERM whatever handlers this process installed
    (a forked child inherits them: one that only takes note of SIGTERM would keep ``terminate`` waiting forever)."""
    return multiprocessing.get_context("fork").Pool(count, initializer=_default_signals)


def _default_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _room_for(directory: str, cases: int) -> bool:
    """Whether ``directory`` exists and has room for the COPY text of ``cases`` cases."""
    return os.path.isdir(directory) and shutil.disk_usage(directory).free >= cases * BYTES_PER_CASE


class Command(BaseCommand):
    help = "批量生成办件历史数据（用于性能测试）"
    # Django's system checks cost ≈ 2.2 s of CPU at every start (2 µs a case of a 1 M load); the command runs after
    # ``migrate`` and ``seed_demo``, which ran them. ``manage.py check`` still does.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=None, help="生成的办件数（--finish 时不需要）")
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=10_000, help="每批办件数")
        parser.add_argument("--workers", type=int, default=None,
                            help="生成数据的子进程数（默认：PostgreSQL 上大批量时为 2，否则 0 即本进程生成）")
        parser.add_argument("--counties", type=int, default=0, help="先把县（市、区）补足到此数（默认不增加）")
        parser.add_argument("--rebuild-from", type=int, default=100_000,
                            help="载入至少这么多办件（且不少于已有办件）时先删除索引和外键、载入后重建")
        parser.add_argument("--rebuild-connections", type=int, default=None,
                            help="提交后同时重建索引的数据库连接数（默认 2，单核为 1）")
        parser.add_argument("--finish", action="store_true",
                            help="只完成上次中断后待重建的索引和约束，不生成办件")

    def handle(self, *args, cases: int | None, days: int, seed: int, batch: int, workers: int | None, counties: int,
               rebuild_from: int, rebuild_connections: int | None, finish: bool, **options):
        if not settings.BIANMIN.get("DEMO_MODE"):  # as seed_demo: never against a real county's database
            raise CommandError("seed_volume 只能在演示模式（BIANMIN['DEMO_MODE']）下运行：它会写入演示账号和合成办件")
        if cases is None and not finish:
            raise CommandError("请用 --cases 指定办件数，或用 --finish 只完成待重建的索引和约束")
        if cases is not None and finish:
            raise CommandError("--finish 只完成待重建的索引和约束，不生成办件：请去掉 --cases，或去掉 --finish")
        start = time.monotonic()
        builders = rebuild_connections if rebuild_connections is not None else min(2, os.cpu_count() or 1)
        left = ledger.pending()
        if left:  # a load that committed and stopped before its indexes were all back: finish it first
            self.stdout.write(f"上次载入后尚有 {left} 项索引或约束待重建，先完成……")
            self._complete(builders)
            self.stdout.write(f"已完成，用时 {time.monotonic() - start:.1f} 秒")
        if finish or cases is None:  # (None only with --finish)
            if not left:
                self.stdout.write("没有待重建的索引或约束")
            return
        postgres = connection.vendor == "postgresql"
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if postgres and cases >= 50_000 else 0
        if counties:
            from bianmin.demo.volume.province import ensure_counties

            added = ensure_counties(counties)
            self.stdout.write(f"县（市、区）：新增 {added['counties']} 个，单位 {added['units']} 个，"
                              f"窗口人员 {added['staff']} 名")
        settle_counters(CaseCounter)  # numbers drawn from the sequences since the last seeding
        try:
            ctx = build_context(seed=seed, days=days, cases=cases, seal=lambda specs: self._seal(specs, workers))
        except (NoDemoData, MissingColumn) as exc:
            raise CommandError(f"{exc}" if isinstance(exc, NoDemoData) else
                               f"字段 {exc} 没有默认值，seed_volume 尚未生成它：请在 bianmin/demo/volume 中补上") from exc
        self.stdout.write(f"申请人池：{sum(len(p) for p in ctx.applicants):,} 人（{len(ctx.applicants)} 个县），"
                          f"{len(ctx.units)} 个受理单位，用时 {time.monotonic() - start:.1f} 秒")
        existing = Case.objects.count()
        rebuild = postgres and cases >= rebuild_from and cases >= existing
        last_numbers = {(unit_id, day): last for unit_id, day, last in CaseCounter.objects.filter(
            day__gte=ctx.first_day).values_list("unit_id", "day", "last")}
        with transaction.atomic():
            loader = loader_for(connection, ctx.formats, self.stdout.write)
            loader.start(rebuild=rebuild)
            first_ids = {name: loader.reserve_ids(name, cases * per_case) for name, per_case in gen.IDS_PER_CASE.items()}
            batches, new_last = plan_batches(ctx, cases=cases, days=days, batch=batch, first_ids=first_ids,
                                             last_numbers=last_numbers)
            done = 0
            load_start = time.monotonic()
            for count, parts in self._produce(ctx, batches, workers):
                loader.write(parts)
                done += count
                rate = done / max(time.monotonic() - load_start, 1e-6)
                self.stdout.write(f"\r已生成 {done:,}/{cases:,} 件（{done * 100 // max(cases, 1)}%，{rate:,.0f} 件/秒）",
                                  ending="")
                self.stdout.flush()
            seconds = time.monotonic() - load_start
            self.stdout.write(f"\n载入用时 {seconds:.1f} 秒（{done / max(seconds, 1e-6):,.0f} 件/秒）")
            loader.finish()
            self._write_counters(new_last)
        advance_sequences(CaseCounter)  # live numbering continues after the seeded cases
        if rebuild:
            t0 = time.monotonic()
            self.stdout.write(f"重建索引和外键（{builders} 个连接）……")
            self._complete(builders)
            self.stdout.write(f"重建用时 {time.monotonic() - t0:.1f} 秒")
        seconds = time.monotonic() - start
        self.stdout.write(self.style.SUCCESS(
            f"完成：{cases:,} 件，用时 {seconds:.0f} 秒（{cases / max(seconds, 1e-6):,.0f} 件/秒，含准备"
            f"{'和重建索引' if rebuild else ''}；"
            f"生成进程 {workers} 个；{(timezone.localdate() - ctx.first_day).days} 天）"))

    def _complete(self, builders: int) -> None:
        """Put back what the ledger holds; a foreign key that fails its validation cannot be finished later."""
        try:
            ledger.complete(builders, self.stdout.write)
        except IntegrityError as exc:
            raise CommandError(
                f"外键验证失败：{exc}。已提交的办件中有引用不存在的行，再运行 --finish 也无法完成："
                "请重新建库（migrate、seed_demo 后再运行 seed_volume）") from exc

    @staticmethod
    def _write_counters(new_last: dict[tuple[int, dt.date], int]) -> None:
        """Write each (unit, day)'s last case number (a row per unit and working day: ~100,000 a year over a
        province). On PostgreSQL one statement from arrays (bulk_create of the model instances took ~3 s of Python
        for 100,000 rows); SQLite gets the ORM's upsert."""
        if connection.vendor != "postgresql":
            CaseCounter.objects.bulk_create(
                [CaseCounter(unit_id=unit_id, day=day, last=last) for (unit_id, day), last in new_last.items()],
                update_conflicts=True, unique_fields=["unit", "day"], update_fields=["last"], batch_size=2000)
            return
        quote = connection.ops.quote_name
        fields = {f.name: quote(f.column) for f in CaseCounter._meta.concrete_fields}
        unit, day, last = fields["unit"], fields["day"], fields["last"]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(CaseCounter._meta.db_table)} ({unit}, {day}, {last}) "  # noqa: S608 (model's names)
                f"SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[]) "
                f"ON CONFLICT ({unit}, {day}) DO UPDATE SET {last} = EXCLUDED.{last}",
                [[key[0] for key in new_last], [key[1] for key in new_last], list(new_last.values())])

    @staticmethod
    def _seal(specs: list[tuple[int, str, int]], workers: int) -> list[list[tuple[str, str]]]:
        """Seal the applicant pools, split over ``workers`` processes when there are any."""
        if workers <= 0:
            return seal_applicants(specs)
        pieces = [(county, (seed * 1000 + n, area, min(SEAL_CHUNK, size - n)))
                  for county, (seed, area, size) in enumerate(specs) for n in range(0, size, SEAL_CHUNK)]
        with _workers(workers) as pool:
            sealed = pool.map(seal_applicants, [[spec] for _c, spec in pieces])
        pools: list[list[tuple[str, str]]] = [[] for _ in specs]
        for (county, _spec), (part,) in zip(pieces, sealed, strict=True):
            pools[county].extend(part)
        return pools

    @staticmethod
    def _produce(ctx: gen.Context, batches: list[gen.Batch],
                 workers: int) -> Iterator[tuple[int, Mapping[str, bytes | memoryview]]]:
        """Yield each batch's number of cases and COPY text, in order; with ``workers``
        processes generating at most two batches ahead each, so memory stays bounded when loading is slower.
        The workers hand each batch over as a file in a private temporary directory (``gen.generate_to_file``),
        removed with whatever is left in it when the load ends or fails."""
        if workers <= 0:
            for batch in batches:
                yield batch.cases, gen.generate(ctx, batch)
            return
        gen.WORKER_CONTEXT = ctx  # inherited by the forked workers (never pickled)
        in_flight = 2 * workers * max((b.cases for b in batches), default=0)  # cases of the batches waiting at once
        shared = SHARED_MEMORY if _room_for(SHARED_MEMORY, in_flight) else None
        try:
            with (tempfile.TemporaryDirectory(prefix="seed_volume-", dir=shared) as directory,
                  _workers(workers) as pool):
                todo = iter(batches)
                pending = deque((b, pool.apply_async(gen.generate_to_file, (b, directory)))
                                for b in islice(todo, 2 * workers))
                while pending:
                    batch, result = pending.popleft()
                    path, sizes = result.get()
                    with open(path, "rb") as handed:
                        data = memoryview(handed.read())  # tables are slices of it: no copy down to the socket
                    os.unlink(path)
                    following = next(todo, None)
                    if following is not None:
                        pending.append((following, pool.apply_async(gen.generate_to_file, (following, directory))))
                    parts: dict[str, bytes | memoryview] = {}
                    start = 0
                    for name, size in sizes:
                        parts[name] = data[start:start + size]
                        start += size
                    yield batch.cases, parts
        finally:
            gen.WORKER_CONTEXT = None

