"""generate_company: the whole deterministic demo company, table by table."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np

from scorecard.contract import Table, load_contract
from scorecard.generate import customers, finance, orders, people, pipeline, plans, service, survey
from scorecard.generate.columns import Columns
from scorecard.generate.defects import inject
from scorecard.generate.timeline import Timeline
from scorecard.generate.writer import to_text, write_csv, write_parquet, write_xlsx

DEFECT_RATE = 0.005
FORMATS = {"hr.targets": "xlsx", "finance.fx_rates": "parquet"}
MANIFEST = "_generator_manifest.json"

Progress = Callable[[str, int], None]


@dataclass
class GenerationSummary:
    out_dir: Path
    scale: float
    seed: int
    as_of: date
    rows: dict[str, int] = field(default_factory=dict)  # data rows written, incl. defect rows
    defects: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> kind -> rows
    files: list[Path] = field(default_factory=list)
    gamed: list[dict[str, object]] = field(default_factory=list)
    fiscal_quarters: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def defect_rows(self, table: str) -> int:
        return sum(self.defects.get(table, {}).values())

    def to_manifest(self) -> dict[str, object]:
        return {
            "generator": "scorecard.generate",
            "seed": self.seed,
            "scale": self.scale,
            "as_of": self.as_of.isoformat(),
            "fiscal_quarters": self.fiscal_quarters,
            "rows": self.rows,
            "defects": self.defects,
            "defect_rows": {name: self.defect_rows(name) for name in self.rows},
            "gamed": self.gamed,
            "files": {
                name: path.relative_to(self.out_dir).as_posix()
                for name, path in zip(self.rows, self.files, strict=True)
            },
        }


def table_rng(seed: int, name: str) -> np.random.Generator:
    """A generator per table, keyed by name: tables stay independent of generation order."""
    entropy = np.random.SeedSequence([seed, zlib.crc32(name.encode("utf-8"))])
    return np.random.Generator(np.random.PCG64(entropy))


class _Sink:
    def __init__(
        self, summary: GenerationSummary, unknown_employee: str, progress: Progress | None
    ) -> None:
        self.summary = summary
        self.contract = load_contract()
        self.unknown_employee = unknown_employee
        self.progress = progress
        self.created = datetime.combine(summary.as_of, time(0, 0))

    def emit(self, name: str, columns: Columns) -> None:
        table: Table = self.contract[name]
        fmt = FORMATS.get(name, "csv")
        folder = self.summary.out_dir / table.source
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{table.name}.{fmt}"
        if fmt == "parquet":
            write_parquet(path, table, columns)
            rows, kinds = len(next(iter(columns.values()))), {}
        else:
            text = to_text(table, columns)
            if fmt == "csv":
                rng = table_rng(self.summary.seed, f"defects:{name}")
                text, kinds = inject(rng, table, text, DEFECT_RATE, self.unknown_employee)
                write_csv(path, text)
            else:
                kinds = {}
                write_xlsx(path, table, text, self.created)
            rows = text.num_rows
        self.summary.rows[name] = rows
        self.summary.defects[name] = dict(sorted(kinds.items()))
        self.summary.files.append(path)
        if self.progress:
            self.progress(name, rows)


def generate_company(
    out_dir: Path,
    scale: float = 1.0,
    seed: int = 42,
    as_of: date = date(2026, 9, 30),
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write the demo company's landing files (24 contract tables) and a manifest.

    Same (scale, seed, as_of) gives byte-identical files; volume grows linearly with scale.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tl = Timeline.build(as_of)
    summary = GenerationSummary(
        out_dir, scale, seed, as_of, fiscal_quarters=[q.label for q in tl.quarters]
    )

    def rng(name: str) -> np.random.Generator:
        return table_rng(seed, name)

    staff = people.build_people(rng("hr.employees"), tl, scale)
    unknown = "E-99999" if staff.n < 99_990 else "E-X99999"
    sink = _Sink(summary, unknown, progress)
    sink.emit("hr.employees", staff.employees)
    sink.emit("hr.role_assignments", staff.assignments)

    book, accounts = customers.build_accounts(rng("crm.accounts"), tl, staff)
    changes = customers.build_profile_changes(
        rng("crm.account_profile_changes"), tl, staff, book, accounts
    )
    sink.emit("crm.accounts", accounts)
    sink.emit("crm.account_profile_changes", changes)

    opp_cols, won = pipeline.build_opportunities(rng("crm.opportunities"), tl, staff, book)
    sink.emit("crm.opportunities", opp_cols)
    inq_cols, converted = pipeline.build_inquiries(rng("crm.inquiries"), tl, staff, book)
    sink.emit("crm.inquiries", inq_cols)
    partners, partner_cols = pipeline.build_partners(rng("crm.channel_partners"), tl, staff)
    sink.emit("crm.channel_partners", partner_cols)
    sink.emit("crm.rfqs", pipeline.build_rfqs(rng("crm.rfqs"), tl, staff, book))
    sink.emit("crm.contracts", pipeline.build_contracts(rng("crm.contracts"), tl, staff, book))

    sales, order_cols = orders.build_orders(
        rng("crm.orders"), tl, staff, book, won, converted, partners, scale
    )
    sink.emit("crm.orders", order_cols)
    summary.gamed = sales.gamed
    sink.emit("crm.activities", service.build_activities(rng("crm.activities"), tl, staff, book))
    sink.emit("crm.complaints", service.build_complaints(rng("crm.complaints"), tl, staff, book))

    inv_cols, inv_facts = finance.build_invoices(rng("finance.invoices"), tl, sales, book, staff)
    invoice_ids = inv_cols["invoice_id"]
    sink.emit("finance.invoices", inv_cols)
    sink.emit(
        "finance.payments",
        finance.build_payments(rng("finance.payments"), tl, inv_facts, book, invoice_ids),
    )
    sink.emit("finance.fx_rates", finance.build_fx_rates(rng("finance.fx_rates"), tl))
    sink.emit(
        "finance.inventory_snapshots",
        finance.build_inventory(rng("finance.inventory_snapshots"), tl, staff, sales),
    )
    sink.emit(
        "finance.report_submissions",
        finance.build_reports(rng("finance.report_submissions"), tl, staff),
    )

    sink.emit(
        "survey.csat_responses", survey.build_csat(rng("survey.csat_responses"), tl, staff, book)
    )
    sink.emit(
        "survey.nps_responses", survey.build_nps(rng("survey.nps_responses"), tl, staff, book)
    )
    sink.emit(
        "survey.reviews_360", survey.build_reviews_360(rng("survey.reviews_360"), tl, staff, book)
    )
    sink.emit(
        "survey.training_attendance",
        survey.build_training(rng("survey.training_attendance"), tl, staff),
    )
    sink.emit(
        "survey.knowledge_tests",
        survey.build_knowledge_tests(rng("survey.knowledge_tests"), tl, staff),
    )

    sink.emit("hr.targets", plans.build_targets(rng("hr.targets"), tl, staff, sales))
    sink.emit("hr.appeals", plans.build_appeals(rng("hr.appeals"), tl, staff))
    sink.emit("hr.integrity_reviews", plans.build_integrity_reviews(tl, summary.gamed))

    missing = set(sink.contract) - set(summary.rows)
    if missing:
        raise RuntimeError(f"generator wrote no file for {sorted(missing)}")
    manifest = json.dumps(summary.to_manifest(), sort_keys=True, indent=2, ensure_ascii=False)
    (out_dir / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
    return summary
