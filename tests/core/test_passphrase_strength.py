"""How strong a key's passphrase is: the thresholds of the rule the key dialog and the CLI use."""

from __future__ import annotations

import pytest

from desktop.core.passwords import FAIR, STRONG, WEAK, passphrase_strength


@pytest.mark.parametrize(("text", "strength"), [
    ("1234567", WEAK), ("12345678", WEAK), ("qwertyui", WEAK), ("aaaabbbb", WEAK), ("abababab", WEAK),
    ("12345678901", WEAK), ("yanji-county", FAIR), ("Yanji-county-2026", STRONG), ("长白山天池长白山天池长白山", FAIR),
    ("长白山-天池-2026", STRONG), ("tianchi-changbai-mountain", STRONG),
])
def test_passphrase_strength_at_its_thresholds(text: str, strength: int) -> None:
    assert passphrase_strength(text) == strength
