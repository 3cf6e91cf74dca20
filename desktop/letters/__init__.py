"""Letters on paper: the confirmation letter and the loan application forms as PDF (reportlab).

An adapter like desktop.store: the services give it content built in the
core (desktop.core.letter and its words desktop.core.letter_words, desktop.core.loan_form)
and get PDF bytes back.
No Qt here; the window previews and prints the bytes with QtPdf.
"""

from desktop.letters.fonts import FontSet, fontset
from desktop.letters.join import join_pdfs
from desktop.letters.pdf import LetterPrint, Mark, Rendered, render_letter, render_letters

__all__ = ["FontSet", "LetterPrint", "Mark", "Rendered", "fontset", "join_pdfs", "render_letter", "render_letters"]
