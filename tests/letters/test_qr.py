"""The QR code: segno's modules drawn exactly, the payload decoding back from the printed page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from desktop.letters import qr

PAYLOADS = [
    "LX1|延吉人社劳协确〔2026〕12号|222401|91222401RWG3G6CBGX|25/1443|pass|CBNA2CDAM5|b8e70590c8c7ae21",
    "LX1|x",
    "LX1|珲春人社劳协确〔2027〕1234号|222404|912224040000000018|400/4000|fail|0000000000|0123456789abcdef",
]
# Letter-like payloads of every length a letter number gives: the fixed mask must decode for all of them.
VARIED = [
    f"LX1|{city}人社劳协确〔{2026 + i % 3}〕{7 ** i % 10 ** (1 + i % 5)}号|2224{i % 9:02d}|"
    f"91222401{i * 7919 % 10 ** 10:010d}|{i % 60}/{i * 37 % 5000}|{'pass' if i % 3 else 'fail'}|"
    f"{'CBNA2CDAM5'[i % 10:] + 'Q' * (i % 10)}|{i * 2654435761 % 16 ** 16:016x}"
    for i, city in enumerate(["延吉", "图们", "敦化", "珲春", "龙井", "和龙", "汪清", "安图", "长春市朝阳区", "吉林"] * 2)
]


def _pages(codes: list[str], *, size: float = 80) -> bytes:
    """Each code on a small page of its own (zbar misses some of many codes on one image), uncompressed."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size + 40, size + 40), pageCompression=0)
    for payload in codes:
        qr.draw(canvas, payload, 20, 20, size)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_path_covers_exactly_the_dark_modules(payload: str) -> None:
    content = _pages([payload]).decode("latin-1")
    drawn: set[tuple[int, int]] = set()
    for x, y, w in re.findall(r"(\d+) (\d+) (\d+) 1 re", content):
        drawn |= {(int(x) + dx, int(y)) for dx in range(int(w))}
    modules = qr.matrix(payload)
    n = len(modules)
    dark = {(c, n - 1 - r) for r, row in enumerate(modules) for c, m in enumerate(row) if m}
    assert drawn == dark
    assert n == 17 + 4 * qr._code(payload).version  # a plain QR code (no micro), at level M as asked
    assert qr._code(payload).error == "M"


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) or pdftoppm is not installed")
@pytest.mark.parametrize("codes", [PAYLOADS, VARIED], ids=["payloads", "varied"])
def test_the_drawn_codes_decode(codes: list[str], tmp_path: Path) -> None:
    (tmp_path / "q.pdf").write_bytes(_pages(codes))
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(tmp_path / "q.pdf"), str(tmp_path / "q")], check=True)
    images = sorted(tmp_path.glob("q*.png"))  # q-01.png, q-02.png …: the pages in order
    assert len(images) == len(codes)
    done = subprocess.run(["zbarimg", "-q", "--raw", *map(str, images)], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines() == codes
