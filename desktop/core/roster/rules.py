"""What both paths of the row checks share: values parsed once per distinct cell, and small rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from desktop.core.areas import AreaTable
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.names import MAX_PERSON_NAME, length_params
from desktop.core.roster_headers import Field
from desktop.core.roster_values import OPEN_ENDED_WORDS, TASK_WORDS, CellValueError, clean_text, squeezed
from desktop.core.workers import ContractType

MISS: Final = object()
SLOW: Final = object()  # a cell with something to say: the row goes through RowChecker.check
CACHE_LIMIT: Final = 50_000


def cached(cache: dict[object, object], raw: object, parser: Callable[[object], object]) -> object:
    """The parsed value, or the CellValueError; text is parsed once per distinct value.

    Cells are str, float, int, date, datetime, time, timedelta or bool, all
    hashable; a bool equals 1 or 0 as a dict key but parses differently, so
    it is never cached.
    """
    if type(raw) is not bool:
        found = cache.get(raw, MISS)
        if found is not MISS:
            return found
    try:
        found = parser(raw)
    except CellValueError as exc:
        found = exc
    if len(cache) < CACHE_LIMIT and type(raw) is not bool:
        try:
            cache[raw] = found
        except TypeError:
            pass
    return found


def names_kind(text: str) -> ContractType | None:
    """The contract kind a word in a date column names ("长期", "以完成一定工作任务为期限")."""
    compact = squeezed(text)
    if any(word in compact for word in TASK_WORDS):
        return ContractType.TASK
    if any(word in compact for word in OPEN_ENDED_WORDS):
        return ContractType.OPEN_ENDED
    return None


def amount_text(amount: float) -> str:
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"


# --------------------------------------------------------------------------
# The rules over a row's normalised values.  Each returns its findings, and
# both paths call them: RowChecker.check turns a finding into a RowProblem,
# the column-wise path sends a row with any finding through check.

Finding = tuple[Field, str, dict[str, object]]  # the field (so the column), the problem code, its params
SEX_LABEL: Final = {"M": "男", "F": "女"}
OTHER_PROVINCE: Final = QT_TRANSLATE_NOOP("problems", "吉林省外")


def person_name(raw: object) -> tuple[str, Finding | None]:
    """The name as stored ("王  芳": the spaces padding a Chinese name dropped), and what is wrong with it."""
    if type(raw) is str and raw.isalnum():
        name = raw
    else:
        name = clean_text(raw)
        if name and " " in name and any(ord(ch) > 0x2E80 for ch in name):
            name = name.replace(" ", "")
    if not name:
        return name, (Field.NAME, "name_empty", {})
    too_long = length_params(name, MAX_PERSON_NAME)
    return name, None if too_long is None else (Field.NAME, "name_too_long", too_long)


# A contract's cells as the rule takes them (each None when blank):
Term = tuple[str | None, str | None, ContractType | None, str]  # start, end (ISO), the kind it names, its text
EndCell = tuple[str | None, ContractType | None, str]  # the end date, or the kind a word names ("长期") and the word


def contract(
    declared: ContractType | None, term: Term | None, start_cell: str | None, end_cell: EndCell | None,
    readable: bool,
) -> tuple[ContractType, str | None, str | None, tuple[Finding, ...]]:
    """The contract's kind, start and end, and what is wrong with them.

    The start and end come from the one-cell term or from the two date
    columns (a filled date column wins); a word in the end column names the
    kind; the declared type wins over both, with a warning when they
    disagree.  ``readable`` False (a cell could not be read, already said):
    no finding about missing or reversed dates.
    """
    start = end = None
    term_kind: ContractType | None = None
    term_text = ""
    if term is not None:
        start, end, term_kind, term_text = term
    if start_cell is not None:
        start = start_cell
    if end_cell is not None:
        end_date, named, word = end_cell
        if named is not None:
            term_kind, term_text = named, word
        elif end_date is not None:
            end = end_date
    found: tuple[Finding, ...] = ()  # a tuple: nothing allocated for the usual clean row
    kind = term_kind or ContractType.FIXED
    if declared is not None:
        kind = declared
        if (term_kind is not None and term_kind is not declared) or (
            declared is ContractType.OPEN_ENDED and end is not None
        ):
            found += ((Field.CONTRACT_TYPE, "contract_type_conflict", {
                "declared": kind.label, "term": term_text or (end or "")}),)
    if kind is ContractType.OPEN_ENDED:
        end = None
    if readable:
        if start is None:
            found += ((Field.CONTRACT_START, "contract_start_missing", {}),)
        elif end is None:
            if kind is ContractType.FIXED:
                found += ((Field.CONTRACT_END, "contract_end_missing", {}),)
        elif end < start:  # ISO dates compare as text
            found += ((Field.CONTRACT_END, "contract_end_before_start", {"start": start, "end": end}),)
    return kind, start, end, found


def sex_mismatch(declared: object, from_id: str) -> Finding | None:
    if declared is None or declared == from_id:
        return None
    return (Field.SEX, "sex_mismatch", {"declared": SEX_LABEL[str(declared)], "from_id": SEX_LABEL[from_id]})


def id_area_mismatch(areas: AreaTable, number: str, hukou_text: str, hukou_code: str | None) -> Finding | None:
    """The ID number's area code against the resolved 户籍地 (a warning: people move)."""
    prefix = number[:6]
    if hukou_code is None or prefix == hukou_code:
        return None
    area = areas.by_code(prefix)
    if area is not None:
        if (area.successor_code or area.code) == hukou_code:
            return None
        id_area = area.full_name
    elif prefix.startswith("22"):
        return None  # a Jilin code we do not know: no basis for a warning
    else:
        id_area = OTHER_PROVINCE
    return (Field.HUKOU, "id_area_mismatch", {"id_code": prefix, "id_area": id_area, "hukou": hukou_text})


def sixteenth_birthday(birth: str) -> str:
    """The day (ISO) someone born on ``birth`` (ISO) turns 16; 29 February stays as it is, which compares right."""
    return f"{int(birth[:4]) + 16:04d}{birth[4:]}"


def under_16(birth: str, start: str | None) -> Finding | None:
    """Younger than 16 on the contract's first day (ISO dates, which compare as text)."""
    if start is None or start >= sixteenth_birthday(birth):
        return None
    age = int(start[:4]) - int(birth[:4]) - ((int(start[5:7]), int(start[8:10])) < (int(birth[5:7]), int(birth[8:10])))
    return (Field.CONTRACT_START, "under_16", {"age": age, "start": start})


def wage_below(wage: object, minimum: float | None) -> Finding | None:
    if wage is None or minimum is None or not wage < minimum:  # type: ignore[operator]
        return None
    return (Field.WAGE, "wage_below_minimum", {
        "wage": amount_text(float(wage)), "minimum": amount_text(minimum)})  # type: ignore[arg-type]


def plain_text(raw: object) -> str:
    """A text column as stored (job)."""
    return raw if type(raw) is str and raw.isalnum() else clean_text(raw)


def phone_text(raw: object) -> str:
    return raw if type(raw) is str and raw.isdigit() else squeezed(raw)
