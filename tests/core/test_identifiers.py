"""Tests of desktop.core.identifiers and desktop.core.messages.

Expected check characters come from an independent, deliberately slow
re-implementation (powers of 2 mod 11 for ID numbers, powers of 3 mod 31 for
credit codes) and from published examples, never from the code under test.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import string
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import identifiers as ids
from desktop.core.identifiers import (
    IdentifierError,
    IdNumber,
    age_on,
    convert_15_to_18,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    mask_id,
    mask_numbers,
    mask_phone,
    normalize_id_text,
    normalize_uscc,
    parse_id_number,
    parse_uscc,
    to_halfwidth,
    uscc_check_char,
    uscc_partial_problem,
)
from desktop.core.messages import MESSAGES, Problem, QT_TRANSLATE_NOOP, message

REPO = Path(__file__).resolve().parents[2]
TODAY = datetime.date(2024, 1, 1)


# --------------------------------------------------------------------------
# Independent slow reference implementations


def slow_id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: the full 18 values weighted 2^(17-i) sum to 1 mod 11."""
    for candidate in "0123456789X":
        value = 10 if candidate == "X" else int(candidate)
        digits = [int(d) for d in first17] + [value]
        if sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits)) % 11 == 1:
            return candidate
    raise AssertionError("no check character found")


SLOW_USCC_ALPHABET = "".join(
    ch for ch in string.digits + string.ascii_uppercase if ch not in "IOZSV"
)


def slow_uscc_check(first17: str) -> str:
    """Weights are 3^i mod 31; weighted sum plus the check value is 0 mod 31."""
    values = [SLOW_USCC_ALPHABET.index(ch) for ch in first17]
    total = sum(v * pow(3, i, 31) for i, v in enumerate(values))
    for candidate in SLOW_USCC_ALPHABET:
        if (total + SLOW_USCC_ALPHABET.index(candidate)) % 31 == 0:
            return candidate
    raise AssertionError("no check character found")


def make_id(area: str, birth: datetime.date, seq: str) -> str:
    first17 = area + birth.strftime("%Y%m%d") + seq
    return first17 + slow_id_check(first17)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# --------------------------------------------------------------------------
# Constants and check characters


def test_constants_match_the_standard() -> None:
    assert ids.ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))
    assert len(ids.ID_CHECK_MAP) == 11
    assert ids.USCC_ALPHABET == SLOW_USCC_ALPHABET
    assert len(ids.USCC_ALPHABET) == 31
    assert ids.USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 example
        ("44052418800101001", "4"),  # GB 11643-1999 example
        ("13050319670401001", slow_id_check("13050319670401001")),
        ("00000000000000000", slow_id_check("00000000000000000")),
        ("99999999999999999", slow_id_check("99999999999999999")),
    ],
)
def test_id_check_char(first17: str, expected: str) -> None:
    assert id_check_char(first17) == expected


@pytest.mark.parametrize("bad", ["", "1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１００２"])
def test_id_check_char_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_char(bad)


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # GB 32100-2015 example
        "91350100M000100Y43",
        "914403001922038216",
        "9144030071526726XG",
        "91330100716105852F",
    ],
)
def test_published_credit_codes(code: str) -> None:
    assert slow_uscc_check(code[:17]) == code[17]
    assert uscc_check_char(code[:17]) == code[17]
    assert parse_uscc(code) == code
    assert is_valid_uscc(code)


# --------------------------------------------------------------------------
# Normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("！～", "!~"),
        ("a\u3000b", "a b"),
        ("延吉市", "延吉市"),
        ("", ""),
    ],
)
def test_to_halfwidth(raw: str, expected: str) -> None:
    assert to_halfwidth(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (" 110105 19491231 002X\t", "11010519491231002X"),
        ("110105\u00a019491231\u3000002X\n", "11010519491231002X"),
        ("\ufeff110105\u200b19491231002X", "11010519491231002X"),
        (None, ""),
        (float("nan"), ""),
        ("", ""),
    ],
)
def test_normalize_id_text(raw: object, expected: str) -> None:
    assert normalize_id_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (2.20821199104149e17, "2.20821199104149E+17"),
        (220821199104149000, "220821199104149000"),
        (130503670401001, "130503670401001"),
        (130503670401001.0, "130503670401001"),
        (decimal.Decimal("110105194912310020"), "110105194912310020"),
    ],
)
def test_numbers_are_refused(raw: object, shown: str) -> None:
    with pytest.raises(IdentifierError) as info:
        normalize_id_text(raw)
    assert info.value.code == "id_stored_as_number"
    assert info.value.params == {"value": shown}
    assert shown in str(info.value)
    assert not is_valid_id_number(raw)


# --------------------------------------------------------------------------
# Parsing ID numbers


D1949 = datetime.date(1949, 12, 31)
D1967 = datetime.date(1967, 4, 1)
LEAP = datetime.date(2000, 2, 29)
FIRST = datetime.date(1900, 1, 1)


@pytest.mark.parametrize(
    ("raw", "number", "birth", "sex", "converted"),
    [
        ("11010519491231002X", "11010519491231002X", D1949, "F", False),
        ("11010519491231002x", "11010519491231002X", D1949, "F", False),
        ("１１０１０５ １９４９１２３１ ００２Ｘ", "11010519491231002X", D1949, "F", False),
        ("130503670401001", make_id("130503", D1967, "001"), D1967, "M", True),
        (" 130503 670401 002 ", make_id("130503", D1967, "002"), D1967, "F", True),
        (make_id("222401", LEAP, "123"), make_id("222401", LEAP, "123"), LEAP, "M", False),
        (make_id("222421", FIRST, "018"), make_id("222421", FIRST, "018"), FIRST, "F", False),
        # An area code that is in no table is fine.
        (make_id("999999", TODAY, "777"), make_id("999999", TODAY, "777"), TODAY, "M", False),
    ],
)
def test_parse_valid(
    raw: str, number: str, birth: datetime.date, sex: Literal["M", "F"], converted: bool
) -> None:
    parsed = parse_id_number(raw, today=TODAY)
    assert parsed == IdNumber(number, number[:6], birth, sex, converted)
    assert parsed.masked == number[:6] + "********" + number[-4:]


def test_15_digit_example_is_computed_not_trusted() -> None:
    # The brief guessed "...0014"; the slow reference gives the real value.
    assert convert_15_to_18("130503670401001") == "130503196704010016"
    assert slow_id_check("13050319670401001") == "6"


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        (None, "id_empty", {}),
        ("", "id_empty", {}),
        ("  \u3000 ", "id_empty", {}),
        (2.20821199104149e17, "id_stored_as_number", {"value": "2.20821199104149E+17"}),
        ("12345", "id_length", {"length": 5}),
        ("11010519491231002", "id_length", {"length": 17}),
        ("11010519491231002XX", "id_length", {"length": 19}),
        ("1101051949123100", "id_length", {"length": 16}),
        ("11010519491231002Y", "id_chars", {"char": "Y", "position": 18}),
        ("1101051949123100X2", "id_chars", {"char": "X", "position": 17}),
        ("110105194912310O2X", "id_chars", {"char": "O", "position": 16}),
        ("13050367040100X", "id_chars", {"char": "X", "position": 15}),
        ("身份证号码身份证号码身份证号码身份证", "id_chars", {"char": "身", "position": 1}),
        ("110105194913310021", "id_birth_date", {"birth": "19491331", "reason": "not_a_date"}),
        ("110105190002290021", "id_birth_date", {"birth": "19000229", "reason": "not_a_date"}),
        ("110105202401020021", "id_birth_date", {"birth": "20240102", "reason": "future"}),
        ("440524188001010014", "id_birth_date", {"birth": "18800101", "reason": "before_1900"}),
        ("130503671301001", "id_birth_date", {"birth": "19671301", "reason": "not_a_date"}),
        ("110105194912310021", "id_checksum", {"expected": "X", "actual": "1"}),
        ("110105194912310020", "id_checksum", {"expected": "X", "actual": "0"}),
    ],
)
def test_parse_invalid(raw: object, code: str, params: dict[str, object]) -> None:
    with pytest.raises(IdentifierError) as info:
        parse_id_number(raw, today=TODAY)
    error = info.value
    assert error.code == code
    assert error.params == params
    assert str(error) == message(code, **params)
    assert error.problem == Problem(code, params)
    assert isinstance(error, ValueError)


def test_default_today_is_the_real_today() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert not is_valid_id_number(make_id("222401", tomorrow, "001"))
    assert is_valid_id_number(make_id("222401", datetime.date.today(), "001"))


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (datetime.date(1990, 6, 15), datetime.date(2024, 6, 14), 33),
        (datetime.date(1990, 6, 15), datetime.date(2024, 6, 15), 34),
        (datetime.date(1990, 6, 15), datetime.date(1990, 6, 15), 0),
        (datetime.date(2008, 3, 1), datetime.date(2024, 2, 29), 15),
        (datetime.date(2008, 3, 1), datetime.date(2024, 3, 1), 16),
        (datetime.date(2000, 2, 29), datetime.date(2023, 2, 28), 22),
        (datetime.date(2000, 2, 29), datetime.date(2023, 3, 1), 23),
        (datetime.date(2000, 2, 29), datetime.date(2024, 2, 29), 24),
        (datetime.date(1990, 6, 15), datetime.date(1990, 6, 14), -1),
    ],
)
def test_age_on(birth: datetime.date, on: datetime.date, age: int) -> None:
    person = parse_id_number(make_id("222401", birth, "001"), today=TODAY)
    assert age_on(person, on) == age


# --------------------------------------------------------------------------
# Masking


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("222401199001011234", "222401********1234"),
        ("11010519491231002X", "110105********002X"),
        ("130503670401001", "130503*****1001"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("１３８００１３８０００", "138****8000"),
        ("0433-2512345", "********2345"),
        ("2512345", "***2345"),
        ("23800138000", "*******8000"),
        ("1234", "1234"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


# --------------------------------------------------------------------------
# Unified social credit codes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110000600037341L", "91110000600037341L"),
        ("91110000600037341l", "91110000600037341L"),
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ("91350100m000100y43", "91350100M000100Y43"),
    ],
)
def test_parse_uscc_valid(raw: str, expected: str) -> None:
    assert normalize_uscc(raw) == expected
    assert parse_uscc(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        (None, "uscc_empty", {}),
        ("   ", "uscc_empty", {}),
        (911100006000373410, "uscc_stored_as_number", {"value": "911100006000373410"}),
        (9.1110000600037341e17, "uscc_stored_as_number", {"value": "9.11100006000373E+17"}),
        ("9111000060003734", "uscc_length", {"length": 16}),
        ("91110000600037341L0", "uscc_length", {"length": 19}),
        ("91110000600037341I", "uscc_chars", {"char": "I", "position": 18}),
        ("9111000060003734OL", "uscc_chars", {"char": "O", "position": 17}),
        ("S1110000600037341L", "uscc_chars", {"char": "S", "position": 1}),
        ("9111000060003734-L", "uscc_chars", {"char": "-", "position": 17}),
        ("91110000600037341A", "uscc_checksum", {"expected": "L", "actual": "A"}),
        ("91110000600037342L", "uscc_checksum", {"expected": slow_uscc_check("91110000600037342"), "actual": "L"}),
    ],
)
def test_parse_uscc_invalid(raw: object, code: str, params: dict[str, object]) -> None:
    with pytest.raises(IdentifierError) as info:
        parse_uscc(raw)
    assert info.value.code == code
    assert info.value.params == params
    assert str(info.value) == message(code, **params)
    assert not is_valid_uscc(raw)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", None),
        ("9", None),
        ("91110000", None),
        ("9111 0000 6000", None),
        ("９１１１", None),
        ("91110000600037341", None),
        ("91110000600037341L", None),
        ("91110000600037341l", None),
        ("91110000600037341A", "uscc_checksum"),
        ("9111I", "uscc_chars"),
        ("9111o", "uscc_chars"),
        ("91110000600037341L0", "uscc_length"),
    ],
)
def test_uscc_partial_problem(text: str, problem: str | None) -> None:
    assert uscc_partial_problem(text) == problem


@pytest.mark.parametrize("bad", ["", "9111000060003734", "9111000060003734I"])
def test_uscc_check_char_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(bad)


# --------------------------------------------------------------------------
# Messages


def test_every_error_code_has_a_message() -> None:
    source = (REPO / "desktop/core/identifiers.py").read_text(encoding="utf-8")
    codes = {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "IdentifierError"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert codes  # the scan found the raise sites
    assert codes <= MESSAGES.keys()


def test_message_formatting() -> None:
    assert QT_TRANSLATE_NOOP("problems", "原文") == "原文"
    assert message("id_checksum", expected="X", actual="1") == "身份证号码校验位错误：应为 X，实际为 1"
    assert Problem("id_length", {"length": 17}).text() == message("id_length", length=17)
    assert Problem("id_empty").params == {}
    with pytest.raises(KeyError):
        message("no_such_code")


def test_templates_are_single_literals_for_lupdate() -> None:
    """lupdate reads QT_TRANSLATE_NOOP("<context>", "<one literal>") in every module."""
    import desktop.core.enterprise  # noqa: F401  registers its messages
    import desktop.core.office  # noqa: F401

    literals: set[str] = set()
    for path in sorted((REPO / "desktop").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "QT_TRANSLATE_NOOP":
                context, text = node.args
                assert isinstance(context, ast.Constant) and isinstance(context.value, str), path
                assert isinstance(text, ast.Constant) and isinstance(text.value, str), path
                literals.add(text.value)
    missing = [code for code, template in MESSAGES.items() if template not in literals]
    assert missing == []


@pytest.mark.parametrize("module", ["identifiers", "areas", "messages"])
def test_core_modules_import_no_ui_or_storage(module: str) -> None:
    tree = ast.parse((REPO / f"desktop/core/{module}.py").read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    for name in imported:
        top = name.split(".")[0]
        assert top not in {"PySide6", "sqlite3", "sqlite_utils", "shiboken6"}, name
        if top == "desktop":
            assert name.startswith("desktop.core") or name == "desktop.resources", name


# --------------------------------------------------------------------------
# Properties

areas = st.text(alphabet="0123456789", min_size=6, max_size=6)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_reference(first17: str) -> None:
    assert id_check_char(first17) == slow_id_check(first17)


def test_check_char_by_base_13_has_every_weight() -> None:
    # The check is linear in the digits, so one digit at each place, the rest 0, covers every weight.
    for place in range(17):
        for digit in "123456789":
            first17 = "0" * place + digit + "0" * (16 - place)
            assert ids.digits_check_char(first17) == slow_id_check(first17), first17
    assert ids.digits_check_char("0" * 17) == slow_id_check("0" * 17)
    assert ids.digits_check_char("9" * 17) == slow_id_check("9" * 17)


@given(areas, births, sequences)
def test_any_17_digits_with_computed_check_validate(area: str, birth: datetime.date, seq: str) -> None:
    first17 = area + birth.strftime("%Y%m%d") + seq
    number = first17 + id_check_char(first17)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if int(seq[-1]) % 2 else "F")
    assert parsed.area_code == area
    assert is_valid_id_number(number.lower())


@given(areas, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_a_changed_digit_never_validates(
    area: str, birth: datetime.date, seq: str, position: int, shift: int
) -> None:
    number = make_id(area, birth, seq)
    changed = str((int(number[position]) + shift) % 10)
    tampered = number[:position] + changed + number[position + 1 :]
    assert not is_valid_id_number(tampered)


@given(areas, st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)), sequences)
def test_15_to_18_round_trips(area: str, birth: datetime.date, seq: str) -> None:
    id15 = area + birth.strftime("%y%m%d") + seq
    id18 = convert_15_to_18(id15)
    assert len(id18) == 18
    assert id18[:6] + id18[8:17] == id15
    assert id18[6:8] == "19"
    assert id18[17] == slow_id_check(id18[:17])
    old, new = parse_id_number(id15, today=TODAY), parse_id_number(id18, today=TODAY)
    assert old.converted_from_15 and not new.converted_from_15
    assert (old.number, old.birth_date, old.sex) == (new.number, new.birth_date, new.sex)


@given(st.text(min_size=11, max_size=40))
def test_masking_keeps_first_6_and_last_4(text: str) -> None:
    masked = mask_id(text)
    assert len(masked) == len(text)
    assert masked[:6] == text[:6]
    assert masked[-4:] == text[-4:]
    assert set(masked[6:-4]) <= {"*"}


@given(st.text(max_size=10))
def test_short_texts_are_fully_masked(text: str) -> None:
    assert mask_id(text) == "*" * len(text)


@given(st.text(alphabet=SLOW_USCC_ALPHABET, min_size=17, max_size=17))
def test_any_17_credit_code_chars_with_computed_check_validate(first17: str) -> None:
    code = first17 + uscc_check_char(first17)
    assert uscc_check_char(first17) == slow_uscc_check(first17)
    assert parse_uscc(code.lower()) == code
    for end in range(len(code) + 1):
        assert uscc_partial_problem(code[:end]) is None


@given(st.text(alphabet=string.printable.strip()))
def test_halfwidth_undoes_fullwidth(text: str) -> None:
    assert to_halfwidth(to_fullwidth(text)) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("身份证号“222424199001011236”有误", "身份证号“222424********1236”有误"),   # 18 digits
    ("号码“22242419900101123X”", "号码“222424********123X”"),                 # 18, X last
    ("旧号码 222424900101123 已转换", "旧号码 222424*****1123 已转换"),          # 15 digits
    ("电话13812345678", "电话138****5678"),                                      # a mobile number
    ("号码1234567890", "号码**********"),                                        # 10 digits: all starred
    ("第123456789行", "第123456789行"),                                          # 9 digits: not a number of a person
    ("信用代码91110000600037341L", "信用代码91110000600037341L"),                 # part of a longer code
    ("卡号1234567890123456789", "卡号1234567890123456789"),                      # 19 digits: not an ID or phone
])
def test_numbers_inside_a_message_are_masked(text: str, shown: str) -> None:
    assert mask_numbers(text) == shown
