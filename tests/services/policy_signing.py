"""Province policy files for the tests: signed as the province signs them, or tampered with."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.batches.crypto import DecryptionKey
from desktop.core.batch import canonical_json
from desktop.resources import resource_path
from desktop.services import keys
from desktop.services.policy_file import FORMAT, NAMESPACE
from desktop.services.workspace import Workspace
from tests.batches import factory


@functools.cache
def province_key(name: str = "province") -> DecryptionKey:
    return factory.decryption_key(name)


def register_province_key(ws: Workspace, name: str = "province") -> None:
    """The county registers the province's public key file (with its signing key), as `keys import` does."""
    key = province_key(name)
    receipt = key.receipt_signing_key().public.text
    keys.import_province_key(ws, f"# {keys.RECEIPT_KEY_MARK} {receipt} laoxie:220000:吉林省就业服务局\n{key.public.text}\n")


def shipped(name: str) -> dict[str, Any]:
    return json.loads(resource_path("policy", name).read_text(encoding="utf-8"))


def body(*, paired: object = None, labor: object = None, version: str = "2027.1",
         source: str = "吉人社联〔2027〕5号", effective_from: str = "2022-02-22") -> dict[str, Any]:
    return {"format": FORMAT, "province": {"code": "220000", "name": "吉林省就业服务局"},
            "issued_at": "2027-01-05T09:00:00+08:00", "id": "jilin-labor-coop-policy", "version": version,
            "title": "劳务协作认定参数（2027年）", "source": source, "effective_from": effective_from,
            "labor_coop": labor, "paired_areas": paired}


def signed_file(path: Path, content: dict[str, Any], *, key: str = "province",
                after: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """``content`` signed with the province's key ``key``; ``after`` changes it once signed (a forgery)."""
    signature = province_key(key).receipt_signing_key().sign(canonical_json(content), NAMESPACE).decode("ascii")
    data = {**content, "signature": signature}
    if after is not None:
        after(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
