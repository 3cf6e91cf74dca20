"""The QR code: the same modules as reportlab's encoder for each mask, the mask of least penalty, a path that decodes."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop.letters import qr

PAYLOADS = [
    "LX1|延吉人社劳协确〔2026〕12号|222401|91222401RWG3G6CBGX|25/1443|pass|CBNA2CDAM5|b8e70590c8c7ae21",
    "LX1|x",
    "LX1|珲春人社劳协确〔2027〕1234号|222404|912224040000000018|400/4000|fail|0000000000|0123456789abcdef",
]


def reference(payload: str, mask: int) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, mask)
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_code_is_reportlabs_with_the_mask_of_least_penalty(payload: str) -> None:
    ours = qr.matrix(payload)
    candidates = [reference(payload, mask) for mask in range(8)]
    assert ours in candidates
    n = len(ours)
    scores = [qr.penalty([int("".join("1" if m else "0" for m in row), 2) for row in c], n) for c in candidates]
    assert candidates.index(ours) == scores.index(min(scores))


def test_penalty_rules() -> None:
    n = 21
    white = [0] * n
    # N1: 21 columns and 21 rows of 21 light modules; N2: 20×20 blocks; N4: 0% dark
    assert qr.penalty(white, n) == 42 * (3 + 16) + 3 * 400 + 10 * 10
    stripes = [(1 << n) - 1 if r % 2 else 0 for r in range(n)]
    assert qr.penalty(stripes, n) < qr.penalty(white, n)


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) or pdftoppm is not installed")
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_drawn_code_decodes(payload: str, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    qr.draw(canvas, payload, 100, 400, 62)
    canvas.save()
    (tmp_path / "q.pdf").write_bytes(buffer.getvalue())
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "q.pdf"), str(tmp_path / "q")], check=True)
    done = subprocess.run(["zbarimg", "-q", "--raw", str(next(tmp_path.glob("q*.png")))],
                          capture_output=True, text=True, check=False)
    assert done.stdout.strip() == payload
