"""Why a batch is refused (quarantined): a stable code and its Chinese message (plain Python).

The codes are stored with a quarantined batch and sent back in the receipt;
the messages are ``QT_TRANSLATE_NOOP`` markers, shown through ``Problem``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem

REASONS: Final = (
    "not_a_batch", "too_large", "wrong_recipient", "truncated", "corrupt", "bad_archive", "manifest_invalid",
    "signature_missing", "unknown_signer", "bad_signature", "file_altered", "file_missing", "file_extra",
    "data_invalid", "replayed", "older_sequence", "malformed",
)
MESSAGES.update({
    "batch_not_a_batch": QT_TRANSLATE_NOOP("problems", "文件不是劳协报送批次（不是 age 加密文件）"),
    "batch_too_large": QT_TRANSLATE_NOOP("problems", "文件过大（{size} 字节，最多 {limit} 字节），不是正常的报送批次"),
    "batch_wrong_recipient": QT_TRANSLATE_NOOP(
        "problems", "无法用本省密钥解密：该批次不是加密给本省的（或文件头已损坏）。请县里核对省级公钥后重新导出"
    ),
    "batch_truncated": QT_TRANSLATE_NOOP(
        "problems", "文件不完整（末尾缺失或损坏），可能是复制未完成或 U 盘拔出过早。请县里重新拷贝或重新导出"
    ),
    "batch_corrupt": QT_TRANSLATE_NOOP(  # the library's own words ({detail}) stay in the report's parameters
        "problems", "文件已损坏或被改动：加密数据校验失败，无法解密。请县里重新拷贝或重新导出"
    ),
    "batch_bad_archive": QT_TRANSLATE_NOOP("problems", "批次内容不是安全有效的 ZIP 文件：{detail}"),
    "batch_manifest_invalid": QT_TRANSLATE_NOOP("problems", "清单 manifest.json 无效：{detail}"),
    "batch_signature_missing": QT_TRANSLATE_NOOP("problems", "批次中没有签名文件 manifest.json.sig，或签名无法读取：{detail}"),
    "batch_unknown_signer": QT_TRANSLATE_NOOP(
        "problems", "签名密钥（指纹 {fingerprint}）不是已登记的“{office}”（{office_code}）的密钥：来源无法确认"
    ),
    "batch_bad_signature": QT_TRANSLATE_NOOP("problems", "签名校验失败：清单在签名后被改动"),
    "batch_file_altered": QT_TRANSLATE_NOOP("problems", "文件 {name} 与清单记录的 SHA-256 或大小不符：已被改动"),
    "batch_file_missing": QT_TRANSLATE_NOOP("problems", "清单列出的文件 {name} 不在批次中"),
    "batch_file_extra": QT_TRANSLATE_NOOP("problems", "批次中有清单未列出的文件 {name}"),
    "batch_data_invalid": QT_TRANSLATE_NOOP("problems", "数据文件 {name} 无效：{detail}"),
    "batch_replayed": QT_TRANSLATE_NOOP(
        "problems", "该批次（{office}第 {seq} 批，编号 {batch_id}）已于 {at} 接收：重复报送，不再导入"
    ),
    "batch_older_sequence": QT_TRANSLATE_NOOP(
        "problems", "序号 {seq} 不大于已接收的{office}最新批次序号 {last}：旧批次或重放，不导入"
    ),
    "batch_malformed": QT_TRANSLATE_NOOP(
        "problems", "批次内容不符合格式，无法处理（原因已写入日志，请把该文件交给维护人员）"
    ),
    "batch_identity_conflicts": QT_TRANSLATE_NOOP(
        "problems", "本批有 {count} 人的姓名或出生日期与省里已有的记录不同（身份不一致），未改名；请到“重复人员”页核实身份"
    ),
    "batch_sequence_gap": QT_TRANSLATE_NOOP(
        "problems", "{office}第 {missing} 批尚未收到（本批为第 {seq} 批）；之后再收到较早的批次将被拒收"
    ),
})


@dataclass(frozen=True)
class Reason:
    """Why a batch was refused: a stable code (one of :data:`REASONS`) and the message's parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown batch reason {self.code!r}")

    @property
    def problem(self) -> Problem:
        return Problem("batch_" + self.code, dict(self.params))

    def text(self) -> str:
        return self.problem.text()

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params), "message": self.text()}


class BatchRefused(Exception):
    """The batch goes to quarantine for these reasons (the first is the main one)."""

    def __init__(self, reasons: Sequence[Reason]) -> None:
        if not reasons:
            raise ValueError("a refusal needs a reason")
        self.reasons = tuple(reasons)
        super().__init__("；".join(r.text() for r in self.reasons))

    @property
    def code(self) -> str:
        return self.reasons[0].code


def refuse(reason: str, **params: object) -> BatchRefused:
    return BatchRefused([Reason(reason, params)])

