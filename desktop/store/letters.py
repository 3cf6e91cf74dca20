"""Letters and their numbers (SQL only here).

A number is the next ``seq`` of the office's year, taken inside the same
``BEGIN IMMEDIATE`` transaction that inserts the letter: SQLite lets one
writer in at a time, so two windows (or a window and the command line) can
never take the same number, and a number is used only when its letter is
kept, so there are no gaps. Letters are never deleted (a trigger refuses) and
never changed (0004: only the void and the print count change); a voided
letter keeps its number for good. The PDF drawn when a letter is issued (its
original print) is kept in ``letter_files`` (0005): never changed nor deleted.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from desktop.store import db
from desktop.store import reviews as _reviews  # noqa: F401  registers "changed_meanwhile"
from desktop.store.errors import StoreError
from desktop.store.store import Store


@dataclass(frozen=True)
class LetterRow:
    id: int
    office_id: int
    application_id: int
    decision_id: int
    year: int
    seq: int
    number: str
    verification_code: str
    digest: str
    content: str  # JSON (desktop.core.letter.LetterContent)
    issued_by: int | None
    issued_at: str
    voided_at: str | None
    void_reason: str
    voided_by: int | None
    print_count: int

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


_COLUMNS = ("id, office_id, application_id, decision_id, year, seq, number, verification_code, digest, content,"
            " issued_by, issued_at, voided_at, void_reason, voided_by, print_count")


def _row(r: sqlite3.Row) -> LetterRow:
    return LetterRow(
        id=int(r["id"]), office_id=int(r["office_id"]), application_id=int(r["application_id"]),
        decision_id=int(r["decision_id"]), year=int(r["year"]), seq=int(r["seq"]), number=str(r["number"]),
        verification_code=str(r["verification_code"]), digest=str(r["digest"]), content=str(r["content"]),
        issued_by=int(r["issued_by"]) if r["issued_by"] is not None else None, issued_at=str(r["issued_at"]),
        voided_at=r["voided_at"], void_reason=str(r["void_reason"]),
        voided_by=int(r["voided_by"]) if r["voided_by"] is not None else None, print_count=int(r["print_count"]),
    )


@dataclass(frozen=True)
class NewLetter:
    """What the caller computes once the number is known."""

    number: str
    verification_code: str
    digest: str
    content: str


def insert_numbered(
    store: Store, *, office_id: int, application_id: int, decision_id: int, year: int, issued_by: int | None,
    compose: Callable[[int], NewLetter],
) -> LetterRow:
    """Take the next number of (office, year) and keep the letter ``compose(seq)`` makes with it.

    Call inside ``store.transaction()`` (BEGIN IMMEDIATE): the read of the
    highest number and the insert are then one step for every other writer.
    """
    if not store.conn.in_transaction:
        raise RuntimeError("a letter number is taken inside the transaction that keeps the letter")
    seq = int(store.conn.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM letters WHERE office_id = ? AND year = ?", (office_id, year)
    ).fetchone()[0])
    made = compose(seq)
    cur = store.conn.execute(
        "INSERT INTO letters (office_id, application_id, decision_id, year, seq, number, verification_code,"
        " digest, content, issued_by, issued_at, print_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (office_id, application_id, decision_id, year, seq, made.number, made.verification_code, made.digest,
         made.content, issued_by, db.now_iso()),
    )
    return letter(store, int(cur.lastrowid or 0))


def letter(store: Store, letter_id: int) -> LetterRow:
    r = store.conn.execute(f"SELECT {_COLUMNS} FROM letters WHERE id = ?", (letter_id,)).fetchone()
    if r is None:
        raise StoreError("not_found", what="确认书", value=letter_id)
    return _row(r)


def by_code(store: Store, code: str) -> LetterRow | None:
    r = store.conn.execute(f"SELECT {_COLUMNS} FROM letters WHERE verification_code = ?", (code,)).fetchone()
    return _row(r) if r else None


def by_number(store: Store, office_id: int, number: str) -> LetterRow | None:
    r = store.conn.execute(
        f"SELECT {_COLUMNS} FROM letters WHERE office_id = ? AND number = ?", (office_id, number)
    ).fetchone()
    return _row(r) if r else None


def in_force(store: Store, application_id: int) -> LetterRow | None:
    r = store.conn.execute(
        f"SELECT {_COLUMNS} FROM letters WHERE application_id = ? AND voided_at IS NULL", (application_id,)
    ).fetchone()
    return _row(r) if r else None


def of_application(store: Store, application_id: int) -> list[LetterRow]:
    """Every letter of the application, voided ones too, oldest first."""
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM letters WHERE application_id = ? ORDER BY id", (application_id,)
    )
    return [_row(r) for r in rows]


def of_year(store: Store, office_id: int, year: int) -> list[LetterRow]:
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM letters WHERE office_id = ? AND year = ? ORDER BY seq", (office_id, year)
    )
    return [_row(r) for r in rows]


def unprinted(store: Store, office_id: int) -> list[LetterRow]:
    """Letters in force that were never printed, in number order."""
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM letters WHERE office_id = ? AND voided_at IS NULL AND print_count = 0"
        " ORDER BY year, seq", (office_id,),
    )
    return [_row(r) for r in rows]


def void(store: Store, letter_id: int, *, reason: str, by: int | None) -> None:
    cur = store.conn.execute(
        "UPDATE letters SET voided_at = ?, void_reason = ?, voided_by = ? WHERE id = ? AND voided_at IS NULL",
        (db.now_iso(), reason, by, letter_id),
    )
    if cur.rowcount != 1:
        raise StoreError("changed_meanwhile", what="确认书", status="已作废")


def count_print(store: Store, letter_id: int) -> int:
    """Add one to the print count; returns the count before (0: this is the original)."""
    before = letter(store, letter_id).print_count
    store.conn.execute("UPDATE letters SET print_count = print_count + 1 WHERE id = ?", (letter_id,))
    return before


def save_letter_pdf(store: Store, letter_id: int, pdf: bytes) -> bool:
    """Keep the original PDF of the letter; False (nothing written) when it has one already.

    Call inside ``store.transaction()``. The row is never changed or deleted (triggers refuse).
    """
    if not store.conn.in_transaction:
        raise RuntimeError("a letter's PDF is kept inside a transaction")
    cur = store.conn.execute(
        "INSERT INTO letter_files (letter_id, pdf, sha256, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (letter_id) DO NOTHING",
        (letter_id, pdf, hashlib.sha256(pdf).hexdigest(), db.now_iso()),
    )
    return cur.rowcount == 1


def letter_pdf(store: Store, letter_id: int) -> bytes | None:
    """The original PDF kept for the letter, or None (issued before 0005, or not drawn yet).

    Checked against its recorded SHA-256: a file changed outside the app is an error, not a letter.
    """
    r = store.conn.execute("SELECT pdf, sha256 FROM letter_files WHERE letter_id = ?", (letter_id,)).fetchone()
    if r is None:
        return None
    pdf = bytes(r["pdf"])
    if hashlib.sha256(pdf).hexdigest() != r["sha256"]:
        raise StoreError("letter_pdf_damaged", value=letter_id)
    return pdf


def has_letter_pdf(store: Store, letter_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM letter_files WHERE letter_id = ?", (letter_id,)).fetchone() is not None


def decision_payload(store: Store, decision_id: int) -> str:
    r = store.conn.execute("SELECT payload FROM decisions WHERE id = ?", (decision_id,)).fetchone()
    if r is None:
        raise StoreError("not_found", what="认定结果", value=decision_id)
    return str(r[0])
