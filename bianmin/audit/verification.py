"""Check the whole audit trail: every row's hash, the links between rows, and the anchors kept outside the table.

One pass in ``seq`` order over a server-side cursor (PostgreSQL) or a chunked cursor (SQLite), reading plain
values, so memory stays flat and time grows linearly with the number of rows (figures in decision 0017).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .anchors import HEAD, Anchor, AnchorFile, read_anchors
from .chain import GENESIS, entry_digest
from .models import AuditEntry, AuditHead

FIELDS = ("seq", "at", "actor_username", "action", "object_type", "object_id", "summary", "data", "ip",
          "prev_hash", "hash")


@dataclass(frozen=True)
class Problem:
    """One finding; ``seq`` is the first row that is wrong or missing (None for a bad anchor line)."""

    seq: int | None
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class AuditVerification:
    """The result of ``verify_audit``."""

    rows: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    anchor_file: AnchorFile | None = None
    anchors_matched: int = 0
    latest_anchor: Anchor | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def summary(self) -> str:
        """Return one line in Chinese and English."""
        if self.ok:
            span = f"序号 {self.first_seq}–{self.last_seq}" if self.rows else "无记录"
            en_span = f"seq {self.first_seq}-{self.last_seq}" if self.rows else "no rows"
            anchored = (f"，与 {self.anchors_matched} 个锚点一致（最新锚点：第 {self.latest_anchor.seq} 条，"
                        f"{self.latest_anchor.at:%Y-%m-%d %H:%M} UTC）" if self.latest_anchor else "")
            en_anchored = (f", consistent with {self.anchors_matched} anchor(s), latest seq {self.latest_anchor.seq}"
                           if self.latest_anchor else "")
            return (f"审计链完整：共 {self.rows} 条（{span}）{anchored}。"
                    f" / Audit chain intact: {self.rows} rows ({en_span}){en_anchored}.")
        first = self.first_bad_seq
        problem = next((p for p in self.problems if p.seq == first), self.problems[0])
        where_zh = f"第一条有问题的记录：第 {first} 条。" if first is not None else ""
        where_en = f" First bad row: seq {first}." if first is not None else ""
        return (f"审计链校验失败（{len(self.problems)} 个问题）。{where_zh}{problem.zh}"
                f" / Audit chain verification FAILED ({len(self.problems)} problem(s)).{where_en} {problem.en}")


def verify_audit(*, anchors: bool = True, anchor_file: Path | None = None,
                 chunk_size: int = 5000) -> AuditVerification:
    """Verify the chain row by row and against the anchors; stop the walk at the first broken row.

    With ``anchors`` the signed anchor file (``anchor_file`` or the configured one) is read first: a line whose
    HMAC does not match is a problem; a row whose hash differs from an anchor of its ``seq`` means the chain was
    recomputed after an edit; an anchor beyond the last row means rows were deleted from the end.
    """
    result = AuditVerification()
    heads: dict[int, list[Anchor]] = {}
    purges: dict[int, list[Anchor]] = {}
    if anchors:
        result.anchor_file = found = read_anchors(anchor_file)
        if not found.exists:
            result.notes.append(f"未找到锚点文件 {found.path}：只校验了哈希链，无法发现末尾被删除或哈希链被重算。"
                                f" / No anchor file at {found.path}: only the chain was checked.")
        for number, reason in found.bad_lines:
            result.problems.append(Problem(None, f"锚点文件第 {number} 行：{reason.split(' / ')[0]}",
                                           f"anchor file line {number}: {reason.split(' / ')[-1]}"))
        for anchor in found.anchors:
            (heads if anchor.kind == HEAD else purges).setdefault(anchor.seq, []).append(anchor)
    head = AuditHead.objects.filter(pk=1).values_list("seq", "last_hash").first()  # read before the walk

    prev_seq, prev_hash, last_good_anchor = None, GENESIS, 0
    rows = AuditEntry.objects.order_by("seq").values_list(*FIELDS).iterator(chunk_size=chunk_size)
    for seq, at, actor, action, object_type, object_id, summary, data, ip, stored_prev, hash_ in rows:
        if prev_seq is None:
            result.first_seq = seq
            if seq != 1:
                purge = [a for a in purges.get(seq, []) if a.hash == stored_prev]
                if not purge:
                    cut = max((s for s in purges if s < seq), default=1)
                    result.problems.append(Problem(
                        cut, f"第 {cut}–{seq - 1} 条缺失，且没有签名的清理记录说明（开头的记录被删除）",
                        f"rows {cut}-{seq - 1} are missing with no signed purge record (rows deleted at the start)"))
                    break
                result.notes.append(f"第 1–{seq - 1} 条已按保存期清理（{purge[0].at:%Y-%m-%d}）。"
                                    f" / Rows 1-{seq - 1} were purged under retention.")
                prev_hash = stored_prev
            last_good_anchor = seq - 1
        elif seq != prev_seq + 1:
            result.problems.append(Problem(
                prev_seq + 1, f"第 {prev_seq + 1}–{seq - 1} 条缺失（记录被删除）",
                f"rows {prev_seq + 1}-{seq - 1} are missing (deleted)"))
            break
        result.rows += 1
        result.last_seq = seq
        if stored_prev != prev_hash:
            result.problems.append(Problem(seq, f"第 {seq} 条的“上一条哈希”与前一条不符（记录被删除、插入或改动）",
                                           f"seq {seq}: prev_hash does not match the previous row"))
            break
        expected = entry_digest(seq=seq, at=at, actor_username=actor, action=action, object_type=object_type,
                                object_id=object_id, summary=summary, data=data, ip=ip, prev_hash=stored_prev)
        if hash_ != expected:
            result.problems.append(Problem(seq, f"第 {seq} 条的内容与其哈希不符（记录被改动）",
                                           f"seq {seq}: content does not match its hash (row edited)"))
            break
        wrong = [a for a in heads.get(seq, []) if a.hash != hash_]
        if wrong:
            anchor, first = wrong[0], last_good_anchor + 1
            result.problems.append(Problem(
                first, f"第 {seq} 条的哈希与 {anchor.at:%Y-%m-%d %H:%M} UTC 的锚点（锚点文件第 {anchor.line} 行）不符："
                f"第 {first}–{seq} 条中有记录被改写并重算了哈希链",
                f"seq {seq}: hash differs from the anchor of {anchor.at:%Y-%m-%d %H:%M} UTC (line {anchor.line}): "
                f"a row in {first}-{seq} was rewritten and the chain recomputed"))
            break
        if seq in heads:
            result.anchors_matched += len(heads[seq])
            last_good_anchor = seq
        prev_seq, prev_hash = seq, hash_

    if not any(p.seq is not None for p in result.problems):
        _check_tail(result, heads, head)
    if heads:
        result.latest_anchor = max((a for group in heads.values() for a in group), key=lambda a: (a.seq, a.at))
    return result


def _check_tail(result: AuditVerification, heads: dict[int, list[Anchor]], head: tuple[int, str] | None) -> None:
    """Rows anchored, or counted by the chain head, before the walk began must all have been seen."""
    last = result.last_seq or 0
    anchored = max((s for s in heads if s > 0), default=0)
    if anchored > last:
        anchor = max(heads[anchored], key=lambda a: a.at)
        result.problems.append(Problem(
            last + 1,
            f"末尾记录被删除：{anchor.at:%Y-%m-%d %H:%M} UTC 的锚点记录到第 {anchored} 条，表中只到第 {last} 条",
            f"rows deleted at the end: the anchor of {anchor.at:%Y-%m-%d %H:%M} UTC records seq {anchored}, "
            f"the table ends at seq {last}"))
    elif head is not None and head[0] > last:
        result.problems.append(Problem(
            last + 1, f"末尾记录被删除：链头记录到第 {head[0]} 条，表中只到第 {last} 条",
            f"rows deleted at the end: the chain head records seq {head[0]}, the table ends at seq {last}"))

