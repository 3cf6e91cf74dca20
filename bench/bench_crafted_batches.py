"""Target (issue 11): at least 200 tampered or crafted batch files are 100% quarantined with the
right reason, the rest of the folder is still processed, and the province file is otherwise
unchanged (a SHA-256 of every table's rows before and after).

A county issues three applications the real way (letters with their content), the province
accepts its first batch; tests/batches/crafted.py then makes every variant of that batch (flipped
and cut bytes, hostile archives, broken manifests and signatures, altered files, signed records
of the wrong shape, a replay, an older sequence number, a sparse 1 GiB file) and the province
imports them all as one folder in one run. Prints the count by reason and the time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import record  # noqa: E402

from desktop.batches import crypto  # noqa: E402
from tests.batches import crafted, factory  # noqa: E402

MINIMUM = 200


def main() -> int:
    crypto.UNLOCK_CACHE = factory.UNLOCKED
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.perf_counter()
        setting = crafted.province_with_a_sound_batch(tmp)
        variants = list(crafted.crafted(setting.sound))
        made = time.perf_counter() - started
        result = crafted.run(setting, tmp / "crafted", variants)
    print(f"{len(variants)} crafted batch files (set-up and making them: {made:.0f} s)")
    print(f"import of the folder: {result.seconds:.1f} s")
    print("quarantined, by main reason:")
    for reason, count in result.by_reason.items():
        print(f"  {reason:<18} {count:>4}")
    quarantined = sum(1 for o in result.outcomes.values() if o.status == "quarantined")
    print(f"quarantined {quarantined} of {len(variants)}; with a wrong reason or not quarantined: {len(result.wrong)}")
    for line in result.wrong:
        print("  " + line)
    print(f"tables changed besides the quarantine's own rows: {result.changed_tables or 'none'}")
    record(f"crafted batches: {len(variants)} files, wrongly handled",
           float(len(variants) - quarantined + len(result.wrong) + len(result.changed_tables or ())),
           unit="files", goal_value=0)
    ok = len(variants) >= MINIMUM and quarantined == len(variants) and not result.wrong and not result.changed_tables
    print(f"target (>= {MINIMUM} files, all quarantined with the right reason, nothing else changed):"
          f" {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
