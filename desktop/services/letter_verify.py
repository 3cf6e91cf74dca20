"""What a confirmation letter's verification code (``ABCDE-FGHJK``, as typed or read out) or its
scanned QR payload stands for in this database: which letter, in force or voided, and whether
its stored content still matches its digest (the province's and the bank's check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.letter import LetterError, format_code, normalise_code, parse_qr_payload
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.letter_settings import letter_error
from desktop.services.letters import content_of
from desktop.services.workspace import Workspace
from desktop.store import letters as store_letters

SERVICE_MESSAGES.update({
    "letter_code_invalid": QT_TRANSLATE_NOOP(
        "service", "“{text}”不是有效的校验码：应为 10 位数字和字母（如 ABCDE-FGHJK）。"
    ),
})


@dataclass(frozen=True)
class Verification:
    code: str
    found: bool
    state: str  # "valid", "voided", "unknown"
    number: str = ""
    enterprise: str = ""
    uscc: str = ""
    counts: str = ""
    result: str = ""
    issued_on: str = ""
    void_reason: str = ""
    digest_ok: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": format_code(self.code), "found": self.found, "state": self.state, "number": self.number,
                "enterprise": self.enterprise, "uscc": self.uscc, "counts": self.counts, "result": self.result,
                "issued_on": self.issued_on, "void_reason": self.void_reason, "digest_ok": self.digest_ok}


def verify(ws: Workspace, text: str) -> Verification:
    """What a verification code, or a scanned QR payload, stands for in this database."""
    if text.startswith("LX1|"):
        try:
            text = parse_qr_payload(text)["code"]
        except LetterError as exc:
            raise letter_error(exc) from exc
    code = normalise_code(text)
    if code is None:
        raise ServiceError("letter_code_invalid", text=text)
    letter = store_letters.by_code(ws.store, code)
    if letter is None:
        return Verification(code, False, "unknown")
    try:
        content = content_of(letter)
        ok = True
    except ServiceError:
        content, ok = None, False
    return Verification(
        code, True, "voided" if letter.voided else "valid", letter.number,
        content.enterprise_name if content else "", content.uscc if content else "",
        f"{content.qualifying_count}/{content.staff_total}" if content else "",
        content.result if content else "", content.issued_on.isoformat() if content else "",
        letter.void_reason, ok,
    )


__all__ = ["Verification", "verify"]
