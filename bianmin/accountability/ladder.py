"""The sanction ladder by severity (seed Art. 9), read from ``BIANMIN["SANCTION_LADDER"]``: pure look-ups.

情节较轻 → 口头告诫、书面告诫; 情节严重 → 离岗培训、调离岗位、免职; 情节特别严重 → 辞退 (the defaults; a
deployment may set its own tiers). ``checks.py`` refuses a setting of the wrong shape at start-up.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from .models import Severity, Violation

SANCTION_MAX_LENGTH: int = Violation._meta.get_field("sanction").max_length or 0  # a CharField: always set


def ladder_problems(value: object) -> list[str]:
    """Return what is wrong with a ladder setting, in words (empty when it is well formed)."""
    if not isinstance(value, Mapping):
        return ["应按情节分级，写成 {情节代码: (处理方式, …)}，情节代码为 " + "、".join(Severity.values)]
    problems = [f"缺少情节 {s.value}（{s.label}）" for s in Severity if s.value not in value]
    problems += [f"未知的情节代码 {key!r}" for key in value if key not in Severity.values]
    seen: dict[str, str] = {}
    for key in (s.value for s in Severity if s.value in value):
        sanctions = value[key]
        if isinstance(sanctions, str) or not isinstance(sanctions, list | tuple) or not sanctions:
            problems.append(f"{key} 的处理方式应为非空的列表或元组")
            continue
        for sanction in sanctions:
            if not isinstance(sanction, str) or not sanction.strip() or sanction != sanction.strip():
                problems.append(f"{key} 含有无效的处理方式 {sanction!r}")
            elif len(sanction) > SANCTION_MAX_LENGTH:
                problems.append(f"处理方式“{sanction}”超过{SANCTION_MAX_LENGTH}个字")
            elif sanction in seen:
                problems.append(f"处理方式“{sanction}”同时出现在 {seen[sanction]} 和 {key}")
            else:
                seen[sanction] = key
    return problems


def sanction_tiers() -> list[tuple[str, str, tuple[str, ...]]]:
    """Return ``(severity, label, sanctions)`` for each severity, mildest first."""
    ladder = settings.BIANMIN["SANCTION_LADDER"]
    return [(s.value, s.label, tuple(ladder[s.value])) for s in Severity]


def sanctions_for(severity: str) -> tuple[str, ...]:
    """Return the sanctions allowed for ``severity`` (empty for an unknown severity)."""
    if severity not in Severity.values:
        return ()
    return tuple(settings.BIANMIN["SANCTION_LADDER"][severity])


def sanction_ladder() -> tuple[str, ...]:
    """Return every sanction, mildest first (the flat ladder, for callers that do not ask about severity)."""
    return tuple(sanction for _, _, sanctions in sanction_tiers() for sanction in sanctions)
