"""Issue 14 target: re-verifying 500 loans with 12 monthly lists of 100 workers each <= 5 s.

Measures the work the service does per loan without the database: each month's list read by the
eligibility engine (who, of the workers not counted at approval, is a qualifying paired-area worker
at that month's end), then
:func:`desktop.core.tracking.reverify` over the 12 lists. About 5% of the workers leave each month
and are replaced; the staff total grows.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.core.decision import WorkerFacts  # noqa: E402
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, add_months, decide  # noqa: E402
from desktop.core.identifiers import id_check_char  # noqa: E402
from desktop.core.loans import TrackingRules  # noqa: E402
from desktop.core.policy import RuleSet  # noqa: E402
from desktop.core.size import EnterpriseSize, SizeResult  # noqa: E402
from desktop.core.tracking import CountedWorker, ListedWorker, MonthlyList, reverify  # noqa: E402
from desktop.core.workers import ContractType  # noqa: E402

LOANS, MONTHS, WORKERS, TARGET_S = 500, 12, 100, 5.0
PAIRED = ("222424", "222426", "222405", "220882", "220822")


def _id(n: int) -> str:
    first17 = f"{PAIRED[n % len(PAIRED)]}1990{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def _loan(rng: random.Random, serial: int) -> tuple[list[CountedWorker], list[list[WorkerFacts]]]:
    base = serial * 10_000
    current = list(range(base, base + WORKERS))
    next_id = base + WORKERS
    months: list[list[WorkerFacts]] = []
    for m in range(MONTHS):
        if m:
            for i in rng.sample(range(WORKERS), WORKERS // 20):
                current[i] = next_id
                next_id += 1
        start = date(2025, 6, 1) if m == 0 else date(2026, m + 1, 1)
        months.append([WorkerFacts(id_number=_id(n), name=f"职工{n}", hukou_code=PAIRED[n % len(PAIRED)],
                                   contract_type=ContractType.FIXED, contract_start=start,
                                   contract_end=date(2027, 12, 31)) for n in current])
    counted = [CountedWorker(w.id_number, w.name) for w in months[0]]
    return counted, months


def main() -> int:
    rules, tracking = RuleSet.load(), TrackingRules.load()
    rng = random.Random(14)
    loans = [_loan(rng, s) for s in range(LOANS)]
    size = SizeResult(EnterpriseSize.MEDIUM, True, "基准", "", ())
    started = time.perf_counter()
    verdicts: dict[str, int] = {}
    engine = 0.0
    for counted, months in loans:
        begun = time.perf_counter()
        counted_ids = {w.id_number for w in counted}
        lists = []
        for m, workers in enumerate(months):
            month = date(2026, m + 1, 1)
            staff = 400 + 10 * m
            facts = EnterpriseFacts("基准企业", "91222401MA00000000", "222401", staff, size)
            review = add_months(month, 1)[0] - timedelta(days=1)
            others = [w for w in workers if w.id_number not in counted_ids]  # as the service: only the others
            counts = dict.fromkeys(counted_ids, True)
            if others:
                outcome = decide(rules, facts, ApplicationFacts(review_date=review), others)
                counts.update((o.id_number, o.counted) for o in outcome.workers)
            lists.append(MonthlyList(month, staff, {w.id_number: ListedWorker(
                w.id_number, w.name, counts[w.id_number], w.contract_start) for w in workers}))
        engine += time.perf_counter() - begun
        result = reverify(rules, tracking, size=EnterpriseSize.MEDIUM, counted=counted, lists=lists,
                          on=date(2026, 12, 31))
        verdicts[result.verdict.value] = verdicts.get(result.verdict.value, 0) + 1
    elapsed = time.perf_counter() - started
    print(f"re-verified {LOANS} loans x {MONTHS} lists x {WORKERS} workers in {elapsed:.2f} s "
          f"(target <= {TARGET_S} s): the lists read by the eligibility engine {engine:.2f} s, the spans and "
          f"verdicts {elapsed - engine:.2f} s; verdicts {verdicts}")
    return 0 if elapsed <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
