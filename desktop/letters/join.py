"""Several PDFs as one: the pages copied as they are (pdfium), nothing drawn again.

``print_all`` hands the printer one file made of the originals kept when the
letters were issued, so a letter is drawn once. Each original keeps its own
font subsets, so the joined file is larger than one drawn in a single run.
pdfium is not thread-safe: the program calls it from one thread at a time
(the window's print task), never alongside another pypdfium2 use.
"""

from __future__ import annotations

import io
from collections.abc import Sequence


def join_pdfs(pdfs: Sequence[bytes]) -> bytes:
    """One PDF with the pages of ``pdfs`` in order."""
    import pypdfium2 as pdfium  # loaded when a run is printed, not with every letter service

    joined = pdfium.PdfDocument.new()
    try:
        for data in pdfs:
            source = pdfium.PdfDocument(data)
            try:
                joined.import_pages(source)
            finally:
                source.close()
        buffer = io.BytesIO()
        joined.save(buffer)
        return buffer.getvalue()
    finally:
        joined.close()
