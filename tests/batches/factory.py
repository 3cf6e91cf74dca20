"""County and province office files with keys and approved applications, for the batch tests and bench.

Keys are made once per process (protecting a key with a passphrase costs a
deliberate second or so) and restored into each new office file from their
protected form, as an office restores a key it exported for safe keeping.
The letters' PDFs are small fake PDFs until the letters service makes real ones.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.batches import crypto
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import USCC_ALPHABET, id_check_char, uscc_check_char
from desktop.core.office import Role
from desktop.services import keys
from desktop.services.accounts import add_user, sign_in
from desktop.services.batch_export import LetterForBatch, stored_letters
from desktop.services.eligibility import record_decision
from desktop.services.enterprises import add_enterprise
from desktop.services.offices import initialise_office
from desktop.services.workspace import Workspace
from desktop.store import Store

PASSWORD = "yanji-2026!"
PASSPHRASE = "长白山-天池-2026"
REVIEW = date(2026, 6, 30)
PROVINCE = ("220000", "吉林省就业服务局")
PAIRED = ("222406", "222402", "222403", "222404", "222405", "222424", "220882", "220821")  # not 延吉: the office's own county


UNLOCKED: dict[tuple[str, str], str] = {}  # crypto.UNLOCK_CACHE for tests: unlock each key once a run


@dataclass(frozen=True)
class ProtectedKey:
    protected: str
    public: str
    fingerprint: str


@functools.cache
def key_material(name: str) -> ProtectedKey:
    """A protected key made once per process: "county", "county2", "other_county" (signing),
    "province", "other_province" (encryption)."""
    suite = crypto.suite()
    key = suite.new_decryption_key() if "province" in name else suite.new_signing_key()
    return ProtectedKey(suite.protect(key.private_text(), PASSPHRASE), key.public.text,
                        key.public.fingerprint.sha256)


def signing_key(name: str) -> crypto.SigningKey:
    return crypto.suite().unlock_signing_key(key_material(name).protected, PASSPHRASE)


def decryption_key(name: str) -> crypto.DecryptionKey:
    return crypto.suite().unlock_decryption_key(key_material(name).protected, PASSPHRASE)


def install_key(ws: Workspace, name: str, tmp: Path) -> None:
    path = tmp / f"{name}-{ws.office.code}.key.age"
    path.write_text(key_material(name).protected, encoding="ascii")
    keys.restore_private_key(ws, path, PASSPHRASE)


def county_db(path: Path, code: str = "222401", name: str = "延吉市就业服务局", prefix: str = "延吉人社劳协确") -> Path:
    initialise_office(path, county_code=code, name=name, letter_prefix=prefix, admin_username="admin",
                      admin_password=PASSWORD)
    with sign_in(path, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
        add_user(ws, "approver", Role.APPROVER, PASSWORD, "朴科长", temporary=False)
    return path


def province_db(path: Path) -> Path:
    """The province's office file, set up as `laoxie init --province` does, with a clerk."""
    initialise_office(path, county_code=PROVINCE[0], name=PROVINCE[1], letter_prefix="吉人社劳协",
                      admin_username="admin", admin_password=PASSWORD, kind="province")
    with sign_in(path, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "省经办", temporary=False)
        add_user(ws, "approver", Role.APPROVER, PASSWORD, "省科长", temporary=False)
    return path


def exchange_keys(county: Path, province: Path, tmp: Path, *, county_key: str = "county",
                  province_key: str = "province") -> None:
    """Each side makes (restores) its key and registers the other's public key."""
    with sign_in(county, "admin", PASSWORD) as cws, sign_in(province, "admin", PASSWORD) as pws:
        install_key(cws, county_key, tmp)
        if keys.own_key(pws) is None:
            install_key(pws, province_key, tmp)
        keys.register_county_key(pws, keys.public_key_file_text(cws))
        keys.import_province_key(cws, keys.public_key_file_text(pws))


def uscc(n: int, county: str = "222401") -> str:
    body = "".join(USCC_ALPHABET[(n // 31**i) % 31] for i in range(9))
    first17 = "91" + county + body
    return first17 + uscc_check_char(first17)


def id_number(n: int, area: str) -> str:
    born = date(1970, 1, 1) + timedelta(days=(n // 500) % 9000)
    first17 = f"{area}{born:%Y%m%d}{n % 500 * 2 + 1:03d}"
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class Extra:
    """A named worker added to an enterprise's roster (a person another office also sends)."""

    id_number: str
    name: str
    contract_start: str = "2026-01-01"
    contract_end: str = "2027-12-31"
    hukou_code: str = "222424"


def enterprise_with_roster(ws: Workspace, e: int, workers: int, rng: random.Random,
                           extra: Sequence[Extra] = ()) -> int:
    """Enterprise number ``e`` with ``workers`` roster rows (one in ten from outside the paired areas),
    then the ``extra`` workers."""
    enterprise = add_enterprise(ws, EnterpriseDraft(
        name=f"测试企业{e:04d}有限公司", uscc=uscc(e, ws.office.code), county_code=ws.office.code,
        industry="industry", staff_total=workers * 3, revenue_wan=2500.0, assets_wan=1000.0,
        contact_name=f"联系人{e}", contact_phone=f"138{e:08d}", address=f"延吉市测试路{e}号",
    ))
    persons, rows = [], []
    for w in range(workers):
        n = e * 1000 + w  # workers <= 1000 an enterprise: unique people
        area = PAIRED[n % len(PAIRED)] if w % 10 else "220102"
        number = id_number(n, area)
        persons.append((number, f"职工{n}", "M", None))
        rows.append({
            "enterprise_id": enterprise.id, "id_number": number, "hukou_text": "延吉市" if w % 10 else "长春市",
            "hukou_code": area, "contract_type": "fixed", "contract_start": "2026-01-01",
            "contract_end": "2027-12-31", "hire_date": "2026-01-01", "job": "操作工",
            "monthly_wage": float(rng.randrange(2200, 6000, 50)), "paid_months": '["2026-04","2026-05"]',
            "social_insurance": 1, "phone": f"139{n % 10**8:08d}",
            "priority_group": "poverty_alleviated" if w % 17 == 0 else None,
            "priority_evidence": "防返贫监测 001" if w % 17 == 0 else "", "source_row": w + 2,
        })
    for i, x in enumerate(extra):
        persons.append((x.id_number, x.name, "M", None))
        rows.append({
            "enterprise_id": enterprise.id, "id_number": x.id_number, "hukou_text": "汪清县",
            "hukou_code": x.hukou_code, "contract_type": "fixed", "contract_start": x.contract_start,
            "contract_end": x.contract_end, "hire_date": x.contract_start, "job": "操作工", "monthly_wage": 3000.0,
            "paid_months": '["2026-04","2026-05"]', "social_insurance": 1, "phone": "13900000000",
            "priority_group": None, "priority_evidence": "", "source_row": workers + i + 2,
        })
    with ws.store.transaction():
        ids = ws.store.upsert_persons(persons)
        for row in rows:
            row["person_id"] = ids[str(row.pop("id_number"))]
        ws.store.insert_employments(rows)
        ws.audit("test.factory", entity="enterprise", entity_id=enterprise.id, detail={"rows": workers})
    return enterprise.id


def approved_applications(ws: Workspace, enterprises: int, workers: int, *, first: int = 0,
                          letters: bool = True, seed: int = 7, review: date = REVIEW,
                          extra: Mapping[int, Sequence[Extra]] | None = None) -> list[int]:
    """``enterprises`` enterprises of ``workers`` workers each (most counted), each with an approved
    application, its recorded decision and (``letters``) an issued letter, written straight into the
    tables (quick: no backup before each approval). Returns the application ids."""
    rng = random.Random(seed + first)
    approver = ws.store.user_by_name("approver")
    approver_id = approver["id"] if approver else ws.actor.user_id
    application_ids = []
    for e in range(first, first + enterprises):
        enterprise_id = enterprise_with_roster(ws, e, workers, rng, (extra or {}).get(e, ()))
        with ws.store.transaction():
            app_id = ws.store.insert_application(enterprise_id, loan_type="working_capital", amount_wan=500.0,
                                                 applied_on="2026-06-01", prepared_by=ws.actor.user_id)
            ws.store.conn.execute("UPDATE applications SET review_date = ?, evidence_contracts = 1,"
                                  " evidence_wages = 1 WHERE id = ?", (review.isoformat(), app_id))
            ws.audit("test.factory", entity="application", entity_id=app_id)
        stored = record_decision(ws, app_id, review)
        with ws.store.transaction():
            status = "issued" if letters else "approved"
            ws.store.conn.execute(
                "UPDATE applications SET status = ?, approved_by = ?, submitted_at = ?, approved_at = ?,"
                " approved_decision_id = ? WHERE id = ?",
                (status, approver_id, f"{review}T09:00:00+08:00", f"{review}T15:00:00+08:00", stored.id, app_id))
            if letters:
                ws.store.conn.execute(
                    "INSERT INTO letters (office_id, application_id, decision_id, year, seq, number,"
                    " verification_code, digest, issued_by, issued_at) VALUES (?, ?, ?, 2026, ?, ?, ?, ?, ?, ?)",
                    (ws.office.id, app_id, stored.id, e + 1, ws.office.letter_number(2026, e + 1),
                     f"{ws.office.code}-{e:06d}-K7Q2", "0" * 64, approver_id, "2026-07-01T10:00:00+08:00"))
            ws.audit("test.factory", entity="application", entity_id=app_id)  # every write is in the log
        application_ids.append(app_id)
    return application_ids


def issued_through_the_workflow(county: Path, enterprises: int, workers: int, *, first: int = 0) -> list[int]:
    """Applications taken the real way: registered, submitted by the clerk, approved by the
    approver, the letter issued (real content, digest and verification code)."""
    from desktop.services import letters, reviews

    rng = random.Random(first)
    ids = []
    with sign_in(county, "clerk", PASSWORD) as ws:
        for e in range(first, first + enterprises):
            enterprise_with_roster(ws, e, workers, rng)
            case = reviews.new_application(ws, uscc(e, ws.office.code), amount_wan=500.0)
            reviews.submit(ws, case.id, evidence=("contracts", "wages"), review_date=REVIEW)
            ids.append(case.id)
    with sign_in(county, "approver", PASSWORD) as ws:
        for app_id in ids:
            reviews.approve(ws, app_id)
    with sign_in(county, "clerk", PASSWORD) as ws:
        for app_id in ids:
            letters.issue(ws, app_id, issued_on=date(2026, 7, 1))
    return ids


def fake_pdf(row: Mapping[str, Any]) -> bytes:
    """A small stand-in for a letter's PDF (real ones come from the letters service)."""
    return (b"%PDF-1.4\n% laoxie test letter\n" + str(row["number"]).encode("utf-8")
            + b"\n" + random.Random(int(row["id"])).randbytes(2048) + b"\n%%EOF\n")


def letters_with_fake_pdfs(ws: Workspace, application_ids: Sequence[int]) -> list[LetterForBatch]:
    return [LetterForBatch(letter.row, fake_pdf(letter.row))
            for letter in stored_letters(ws, application_ids, with_pdfs=False)]


def table_rows(path: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    with Store.open(path, create=False) as store:
        return [tuple(r) for r in store.conn.execute(sql, params)]


def dump(path: Path, *, skip: Sequence[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (for "unchanged" checks), minus ``skip`` tables."""
    with Store.open(path, create=False) as store:
        names = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: [tuple(r) for r in store.conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid')]
                for n in names if n not in skip}
