"""The two-instance run's report: the checks (PASS/FAIL each), the answers per kind and instance, written between
the two-instance markers of bench/RESULTS.md."""

from collections import Counter
from pathlib import Path

from bench.soak_checks import replace_section
from bench.soak_report import table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
MARKS = ("<!-- two-instances:start -->", "<!-- two-instances:end -->")


def answers_table(answers) -> str:
    """Per kind of request: answers on a and on b, and their statuses."""
    kinds = sorted({answer.kind for answer in answers})
    rows = []
    for kind in kinds:
        mine = [answer for answer in answers if answer.kind == kind]
        per_instance = Counter(answer.instance for answer in mine)
        statuses = Counter(answer.status for answer in mine)
        rows.append([
            kind, str(per_instance.get("a", 0)), str(per_instance.get("b", 0)),
            ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items())),
        ])  # fmt: skip
    return table(["kind", "on a", "on b", "statuses"], rows)


def checks_list(checks: dict[str, list[str]]) -> str:
    """One line per check: PASS, or FAIL with its first five problems."""
    lines = []
    for name, problems in checks.items():
        lines.append(f"- FAIL {name}: " + "; ".join(problems[:5]) if problems else f"- PASS {name}")
    return "\n".join(lines)


def render(*, info: dict, setup: str, numbers: str, answers, checks: dict[str, list[str]]) -> str:
    passed = not any(checks.values())
    return "\n\n".join([
        "## Two instances (`python bench/two_instances.py`)",
        f"{info['date']}, {info['cores']} cores ({info['cpu']}), {info['database']}, Python {info['python']}, "
        f"commit {info['commit']}.",
        setup,
        f"Result: **{'PASS' if passed else 'FAIL'}**. {numbers}",
        checks_list(checks),
        "### Answers per kind and instance",
        answers_table(answers),
    ])  # fmt: skip


def write(body: str, results: Path = RESULTS) -> None:
    results.write_text(replace_section(results.read_text(), body, MARKS))
