"""Refusals that lead to the fix: one line per distinct cause, the most actionable first.

A command that refuses (`certify`, `publish-preliminary`, `build`, `check`) collects its
causes as `Cause`s and raises `refusal(headline, causes)`. Causes of one group (25 raw
suites that ran before the last ingest) collapse into one line with a count and the
command that fixes them all; identical lines collapse with a count too.
"""

from __future__ import annotations

from collections.abc import Iterable

from scorecard.errors import UserError

# Ranks: a smaller rank is printed first. A fix that also clears later causes comes
# first (a build re-runs the checks and publishes); what nobody can fix now comes last.
REBUILD = 10  # results are older than the data: `scorecard build`
RECHECK = 20  # checks are older than the data: `scorecard check`
CORRECT = 30  # the data or a model is wrong: correct it, then build
DECIDE = 40  # a person must decide something: appeals, integrity cases
CONFIRM = 50  # a flag or a step of the workflow: --confirm-unscored, publish-preliminary
WAIT = 60  # nothing to run now: the quarter has not ended

SHOWN = 3  # subjects named on a collapsed line


class Cause(str):
    """One reason for a refusal. As a string it is its own line (`text: fix`).

    `group` names what causes of the same kind are, in the plural ("raw suites ran before
    the last ingest"); `subject` is what this one is about ("raw.crm__orders").
    """

    text: str
    prefix: str
    fix: str | None
    group: str | None
    subject: str | None
    rank: int

    def __new__(cls, text: str, fix: str | None = None, *, group: str | None = None,
                subject: str | None = None, rank: int = CORRECT,
                prefix: str = "") -> Cause:  # fmt: skip
        cause = super().__new__(cls, prefix + (f"{text}: {fix}" if fix else text))
        cause.text, cause.prefix, cause.fix, cause.group = text, prefix, fix, group
        cause.subject, cause.rank = subject, rank
        return cause

    def prefixed(self, prefix: str) -> Cause:
        """The same cause with a prefix on its own line and on its group's line."""
        return Cause(self.text, self.fix, group=self.group, subject=self.subject,
                     rank=self.rank, prefix=prefix + self.prefix)  # fmt: skip


def as_cause(cause: str) -> Cause:
    return cause if isinstance(cause, Cause) else Cause(cause)


def collapse(causes: Iterable[str]) -> list[str]:
    """One line per distinct cause, most actionable (lowest rank) first, then in the
    order found: a group of two or more becomes "<n> <group> (<subjects>): <fix>"."""
    keyed: dict[tuple, list[Cause]] = {}
    for cause in map(as_cause, causes):
        key = ("group", cause.prefix, cause.group, cause.fix) if cause.group else ("line", cause)
        keyed.setdefault(key, []).append(cause)
    lines = []
    for order, (key, found) in enumerate(keyed.items()):
        first = found[0]
        if len(found) == 1:
            line = str(first)
        elif key[0] == "line":
            line = f"{first} ({len(found)} times)"
        else:
            subjects = [c.subject for c in found if c.subject]
            named = ", ".join(subjects[:SHOWN])
            if len(subjects) > SHOWN:
                named += f" and {len(subjects) - SHOWN} more"
            line = f"{first.prefix}{len(found)} {first.group}" + (f" ({named})" if named else "")
            line += f": {first.fix}" if first.fix else ""
        lines.append((first.rank, order, line))
    return [line for _, _, line in sorted(lines)]


def refusal(headline: str, causes: Iterable[str]) -> UserError:
    """The error to raise: the headline, then one line per distinct cause."""
    lines = collapse(causes)
    if len(lines) == 1:
        return UserError(f"{headline}: {lines[0]}")
    return UserError(f"{headline} ({len(lines)} causes):\n" + "\n".join(f"  - {x}" for x in lines))
