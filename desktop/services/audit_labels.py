"""Chinese for what the audit log (操作日志) stores as codes: detail keys, entities and coded values.

The services write stable English keys and codes into each entry's detail
(``{"purpose": "signing", "confirmed_by_phone": true}``); the log viewer and
the command line show them through these tables. Keys are in the order the
one-line detail lists them, the most telling first. A test scans the code
for every key written into an entry and checks it has a label here.

Labels are marked with QT_TRANSLATE_NOOP in the context ``audit``; values
that are the program's own enums keep the enum's label and context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from desktop.core.decision import PassBy, Result, StandardKind
from desktop.core.loan_form import FIELDS as FORM_FIELDS
from desktop.core.loan_form import LoanType
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.office import Role
from desktop.core.review import Status, Step
from desktop.core.roster_headers import Field
from desktop.core.size import EnterpriseSize
from desktop.core.tracking import Verdict
from desktop.core.workers import ContractType, PriorityGroup

CONTEXT: Final = "audit"

ENTITY_LABELS: Final[dict[str, str]] = {
    "enterprise": QT_TRANSLATE_NOOP("audit", "企业"),
    "user": QT_TRANSLATE_NOOP("audit", "用户"),
    "person": QT_TRANSLATE_NOOP("audit", "人员"),
    "office": QT_TRANSLATE_NOOP("audit", "单位"),
    "application": QT_TRANSLATE_NOOP("audit", "申请"),
    "roster": QT_TRANSLATE_NOOP("audit", "名册"),
    "letter": QT_TRANSLATE_NOOP("audit", "确认书"),
    "batch": QT_TRANSLATE_NOOP("audit", "批次"),
    "batch_quarantine": QT_TRANSLATE_NOOP("audit", "隔离的批次"),
    "bank_list": QT_TRANSLATE_NOOP("audit", "省开行名单"),
    "key": QT_TRANSLATE_NOOP("audit", "本单位密钥"),
    "peer_key": QT_TRANSLATE_NOOP("audit", "对方单位公钥"),
    "setting": QT_TRANSLATE_NOOP("audit", "设置"),
    "loan": QT_TRANSLATE_NOOP("audit", "贷款"),
    "agreement": QT_TRANSLATE_NOOP("audit", "劳务协作协议"),
}

DETAIL_KEYS: Final[dict[str, str]] = {
    # who and what
    "kind": QT_TRANSLATE_NOOP("audit", "单位层级"),
    "ruling": QT_TRANSLATE_NOOP("audit", "裁定"),
    "arriving": QT_TRANSLATE_NOOP("audit", "后报的姓名"),
    "rulings": QT_TRANSLATE_NOOP("audit", "裁定条数"),
    "new": QT_TRANSLATE_NOOP("audit", "新增"),
    "a": QT_TRANSLATE_NOOP("audit", "第一家企业"),
    "a_office": QT_TRANSLATE_NOOP("audit", "第一家所在县"),
    "b": QT_TRANSLATE_NOOP("audit", "第二家企业"),
    "b_office": QT_TRANSLATE_NOOP("audit", "第二家所在县"),
    "period": QT_TRANSLATE_NOOP("audit", "期间"),
    "letters": QT_TRANSLATE_NOOP("audit", "确认书份数"),
    "missing_letters": QT_TRANSLATE_NOOP("audit", "缺少 PDF 的确认书"),
    "name": QT_TRANSLATE_NOOP("audit", "名称"),
    "uscc": QT_TRANSLATE_NOOP("audit", "信用代码"),
    "number": QT_TRANSLATE_NOOP("audit", "文号"),
    "changes": QT_TRANSLATE_NOOP("audit", "改动"),
    "file": QT_TRANSLATE_NOOP("audit", "文件"),
    "reason": QT_TRANSLATE_NOOP("audit", "原因"),
    "from": QT_TRANSLATE_NOOP("audit", "原状态"),
    "to": QT_TRANSLATE_NOOP("audit", "新状态"),
    "status": QT_TRANSLATE_NOOP("audit", "状态"),
    "result": QT_TRANSLATE_NOOP("audit", "结论"),
    "computed_result": QT_TRANSLATE_NOOP("audit", "计算结论"),
    "final_result": QT_TRANSLATE_NOOP("audit", "最终结论"),
    "standard": QT_TRANSLATE_NOOP("audit", "适用标准"),
    "qualifying_count": QT_TRANSLATE_NOOP("audit", "符合条件人数"),
    "staff_total": QT_TRANSLATE_NOOP("audit", "职工总数"),
    "loan_type": QT_TRANSLATE_NOOP("audit", "贷款类型"),
    "amount_wan": QT_TRANSLATE_NOOP("audit", "贷款金额（万元）"),
    "group": QT_TRANSLATE_NOOP("audit", "重点群体"),
    "evidence": QT_TRANSLATE_NOOP("audit", "认定依据"),
    "claims": QT_TRANSLATE_NOOP("audit", "企业申报的重点群体"),
    "contracts": QT_TRANSLATE_NOOP("audit", "已核对劳动合同"),
    "wages": QT_TRANSLATE_NOOP("audit", "已核对工资发放"),
    "sheet": QT_TRANSLATE_NOOP("audit", "工作表"),
    "receipt": QT_TRANSLATE_NOOP("audit", "回执文件"),
    "written": QT_TRANSLATE_NOOP("audit", "写入"),
    "counts": QT_TRANSLATE_NOOP("audit", "数量"),
    "count": QT_TRANSLATE_NOOP("audit", "数量"),
    "claims": QT_TRANSLATE_NOOP("audit", "企业申报的类别"),
    "red_line": QT_TRANSLATE_NOOP("audit", "红色分隔线"),
    "check": QT_TRANSLATE_NOOP("audit", "核对结果"),
    "copy_to": QT_TRANSLATE_NOOP("audit", "抄送"),
    "printer": QT_TRANSLATE_NOOP("audit", "印发机关"),
    "problems": QT_TRANSLATE_NOOP("audit", "问题数"),
    "rows": QT_TRANSLATE_NOOP("audit", "行数"),
    "workers": QT_TRANSLATE_NOOP("audit", "人数"),
    "applications": QT_TRANSLATE_NOOP("audit", "贷款申请"),
    "fields": QT_TRANSLATE_NOOP("audit", "填写的栏目"),
    "changed_fields": QT_TRANSLATE_NOOP("audit", "改动的栏目"),
    "purpose": QT_TRANSLATE_NOOP("audit", "用途"),
    "office_code": QT_TRANSLATE_NOOP("audit", "单位代码"),
    "office_name": QT_TRANSLATE_NOOP("audit", "单位名称"),
    "code": QT_TRANSLATE_NOOP("audit", "县（市、区）代码"),
    "letter_prefix": QT_TRANSLATE_NOOP("audit", "文号前缀"),
    "username": QT_TRANSLATE_NOOP("audit", "用户名"),
    "role": QT_TRANSLATE_NOOP("audit", "角色"),
    "active": QT_TRANSLATE_NOOP("audit", "在用"),
    "must_change_password": QT_TRANSLATE_NOOP("audit", "须在登录后修改密码"),
    "was_temporary": QT_TRANSLATE_NOOP("audit", "原为临时密码"),
    "confirmed_by_phone": QT_TRANSLATE_NOOP("audit", "已电话核对指纹"),
    "fingerprint": QT_TRANSLATE_NOOP("audit", "指纹"),
    "recipient": QT_TRANSLATE_NOOP("audit", "接收方公钥指纹"),
    "protection": QT_TRANSLATE_NOOP("audit", "加密方式"),
    "replaced_key": QT_TRANSLATE_NOOP("audit", "被取代的公钥指纹"),
    "signer": QT_TRANSLATE_NOOP("audit", "签名方公钥指纹"),
    "suite": QT_TRANSLATE_NOOP("audit", "算法"),
    "added": QT_TRANSLATE_NOOP("audit", "增加"),
    "removed": QT_TRANSLATE_NOOP("audit", "删除"),
    "before": QT_TRANSLATE_NOOP("audit", "改前"),
    "after": QT_TRANSLATE_NOOP("audit", "改后"),
    "groups_before": QT_TRANSLATE_NOOP("audit", "改前分组"),
    "groups_after": QT_TRANSLATE_NOOP("audit", "改后分组"),
    "version_before": QT_TRANSLATE_NOOP("audit", "改前版本"),
    "version_after": QT_TRANSLATE_NOOP("audit", "改后版本"),
    "reasons": QT_TRANSLATE_NOOP("audit", "原因"),
    "copy": QT_TRANSLATE_NOOP("audit", "副本"),
    "print": QT_TRANSLATE_NOOP("audit", "第几次打印"),
    "batch": QT_TRANSLATE_NOOP("audit", "全部打印"),
    "backup": QT_TRANSLATE_NOOP("audit", "备份文件"),
    "size": QT_TRANSLATE_NOOP("audit", "大小"),
    "mirror": QT_TRANSLATE_NOOP("audit", "第二备份"),
    "safety_copy": QT_TRANSLATE_NOOP("audit", "恢复前备份"),
    "damaged_kept_as": QT_TRANSLATE_NOOP("audit", "损坏的文件另存为"),
    "salvaged": QT_TRANSLATE_NOOP("audit", "抢救出的数据文件"),
    "unreadable": QT_TRANSLATE_NOOP("audit", "无法读取的表"),
    "folder": QT_TRANSLATE_NOOP("audit", "备份文件夹"),
    "second": QT_TRANSLATE_NOOP("audit", "第二备份文件夹"),
    "minutes": QT_TRANSLATE_NOOP("audit", "分钟"),
    "command": QT_TRANSLATE_NOOP("audit", "命令"),
    "note": QT_TRANSLATE_NOOP("audit", "说明"),
    "county": QT_TRANSLATE_NOOP("audit", "输出地"),
    "agreement_ref": QT_TRANSLATE_NOOP("audit", "协议文号"),
    "starts": QT_TRANSLATE_NOOP("audit", "协议起始日"),
    "ends": QT_TRANSLATE_NOOP("audit", "协议终止日"),
    "ends_before": QT_TRANSLATE_NOOP("audit", "原终止日"),
    "effective_from": QT_TRANSLATE_NOOP("audit", "施行日期"),
    "labor": QT_TRANSLATE_NOOP("audit", "更新认定标准"),
    "paired": QT_TRANSLATE_NOOP("audit", "更新对口地区名单"),
    "choices": QT_TRANSLATE_NOOP("audit", "选择"),
    "used": QT_TRANSLATE_NOOP("audit", "使用的字体"),
    "source": QT_TRANSLATE_NOOP("audit", "来源"),
    # a loan (跟踪评估)
    "bank_branch": QT_TRANSLATE_NOOP("audit", "贷款银行"),
    "contract_number": QT_TRANSLATE_NOOP("audit", "借款合同编号"),
    "start_date": QT_TRANSLATE_NOOP("audit", "贷款起始日期"),
    "term_months": QT_TRANSLATE_NOOP("audit", "贷款期限（月）"),
    "rate": QT_TRANSLATE_NOOP("audit", "贷款利率（%）"),
    "preferential_end": QT_TRANSLATE_NOOP("audit", "优惠期截止日期"),
    "lpr_value": QT_TRANSLATE_NOOP("audit", "对照的LPR（%）"),
    "lpr_effective_from": QT_TRANSLATE_NOOP("audit", "LPR施行日期"),
    "one_year": QT_TRANSLATE_NOOP("audit", "1年期LPR（%）"),
    "five_year": QT_TRANSLATE_NOOP("audit", "5年期以上LPR（%）"),
    "acknowledged": QT_TRANSLATE_NOOP("audit", "经办人确认的提示"),
    "check_date": QT_TRANSLATE_NOOP("audit", "核实日期"),
    "verdict": QT_TRANSLATE_NOOP("audit", "核实结论"),
    "qualifying": QT_TRANSLATE_NOOP("audit", "现计入人数"),
    "latest_period": QT_TRANSLATE_NOOP("audit", "最近一期名单"),
    "needs_attention": QT_TRANSLATE_NOOP("audit", "需关注"),
    "checked_by": QT_TRANSLATE_NOOP("audit", "核实人（用户编号）"),
    "list_kind": QT_TRANSLATE_NOOP("audit", "名单种类"),
    "refused_rows": QT_TRANSLATE_NOOP("audit", "有错未收的行"),
    # the numbers a reader rarely needs, last
    "seq": QT_TRANSLATE_NOOP("audit", "批次序号"),
    "version": QT_TRANSLATE_NOOP("audit", "版本"),
    "new_version": QT_TRANSLATE_NOOP("audit", "新版本"),
    "review_date": QT_TRANSLATE_NOOP("audit", "审核日期"),
    "ruleset_version": QT_TRANSLATE_NOOP("audit", "规则版本"),
    "decision_id": QT_TRANSLATE_NOOP("audit", "结论编号"),
    "application_id": QT_TRANSLATE_NOOP("audit", "贷款申请编号"),
    "loan_id": QT_TRANSLATE_NOOP("audit", "贷款编号"),
    "list_id": QT_TRANSLATE_NOOP("audit", "名单编号"),
    "check_id": QT_TRANSLATE_NOOP("audit", "核实编号"),
    "checks": QT_TRANSLATE_NOOP("audit", "核实次数"),
    "loans": QT_TRANSLATE_NOOP("audit", "贷款笔数"),
    "report_date": QT_TRANSLATE_NOOP("audit", "报告日期"),
    "replaces": QT_TRANSLATE_NOOP("audit", "取代结论"),
    "letter_id": QT_TRANSLATE_NOOP("audit", "确认书编号"),
    "roster_import_id": QT_TRANSLATE_NOOP("audit", "导入编号"),
    "employment_ids": QT_TRANSLATE_NOOP("audit", "任职记录编号"),
    "verification_code": QT_TRANSLATE_NOOP("audit", "核验码"),
    "digest": QT_TRANSLATE_NOOP("audit", "摘要"),
    "batch_uuid": QT_TRANSLATE_NOOP("audit", "批次标识"),
    "sha256": QT_TRANSLATE_NOOP("audit", "SHA-256"),
    "replaced_chain_head": QT_TRANSLATE_NOOP("audit", "被替换日志的末条校验值"),
}

# Keys inside a value whose own keys are field names: the enterprise's changes, a roster import's counts …
_ENTERPRISE_FIELDS: Final[dict[str, str]] = {
    "name": QT_TRANSLATE_NOOP("audit", "企业名称"),
    "uscc": QT_TRANSLATE_NOOP("audit", "信用代码"),
    "county_code": QT_TRANSLATE_NOOP("audit", "所在县（市、区）"),
    "industry": QT_TRANSLATE_NOOP("audit", "行业"),
    "staff_total": QT_TRANSLATE_NOOP("audit", "职工总数"),
    "revenue_wan": QT_TRANSLATE_NOOP("audit", "营业收入（万元）"),
    "assets_wan": QT_TRANSLATE_NOOP("audit", "资产总额（万元）"),
    "size_override": QT_TRANSLATE_NOOP("audit", "人工认定规模"),
    "size_reason": QT_TRANSLATE_NOOP("audit", "认定规模的理由"),
    "contact_name": QT_TRANSLATE_NOOP("audit", "联系人"),
    "contact_phone": QT_TRANSLATE_NOOP("audit", "联系电话"),
    "address": QT_TRANSLATE_NOOP("audit", "地址"),
}
_COUNT_KEYS: Final[dict[str, str]] = {
    "rows": QT_TRANSLATE_NOOP("audit", "行"),
    "valid": QT_TRANSLATE_NOOP("audit", "有效"),
    "invalid": QT_TRANSLATE_NOOP("audit", "有错"),
    "duplicate": QT_TRANSLATE_NOOP("audit", "重复"),
    "warnings": QT_TRANSLATE_NOOP("audit", "有提示"),
    "new": QT_TRANSLATE_NOOP("audit", "新增"),
    "updated": QT_TRANSLATE_NOOP("audit", "更新"),
    "unchanged": QT_TRANSLATE_NOOP("audit", "未变"),
    "refused": QT_TRANSLATE_NOOP("audit", "拒收"),
    "absent": QT_TRANSLATE_NOOP("audit", "本次名册中没有"),
    "skipped_blank": QT_TRANSLATE_NOOP("audit", "跳过空行"),
    "removed": QT_TRANSLATE_NOOP("audit", "删除导入新增的记录"),
    "restored": QT_TRANSLATE_NOOP("audit", "恢复导入前的记录"),
    "persons_restored": QT_TRANSLATE_NOOP("audit", "恢复导入前的人员"),
    "persons_removed": QT_TRANSLATE_NOOP("audit", "删除导入新增的人员"),
    "skipped_closing": QT_TRANSLATE_NOOP("audit", "跳过表头表尾"),
    "enterprises": QT_TRANSLATE_NOOP("audit", "企业"),
    "applications": QT_TRANSLATE_NOOP("audit", "贷款申请"),
    "decisions": QT_TRANSLATE_NOOP("audit", "认定结论"),
    "workers": QT_TRANSLATE_NOOP("audit", "职工"),
    "letters": QT_TRANSLATE_NOOP("audit", "确认书"),
    "loans": QT_TRANSLATE_NOOP("audit", "贷款"),
    "checks": QT_TRANSLATE_NOOP("audit", "贷款期内核实"),
    "confirmations": QT_TRANSLATE_NOOP("audit", "审核人对核实的确认"),
    "identity_settled": QT_TRANSLATE_NOOP("audit", "已核实过身份、未再列为不一致的人"),
}
_USER_FIELDS: Final[dict[str, str]] = {
    "role": QT_TRANSLATE_NOOP("audit", "角色"),
    "active": QT_TRANSLATE_NOOP("audit", "在用"),
    "display_name": QT_TRANSLATE_NOOP("audit", "姓名"),
}


def _field_labels(fields: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    return {key: (CONTEXT, label) for key, label in fields.items()}


# (context, label) for the keys inside a value, by the key the value is under.
NESTED_KEYS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "changes": {**_field_labels(_ENTERPRISE_FIELDS), **_field_labels(_USER_FIELDS)},
    "counts": _field_labels(_COUNT_KEYS),
    "written": _field_labels(_COUNT_KEYS),
    "changed_fields": {f.value: ("roster", f.label) for f in Field},
    "before": _field_labels({**DETAIL_KEYS, **_ENTERPRISE_FIELDS}),
    "after": _field_labels({**DETAIL_KEYS, **_ENTERPRISE_FIELDS}),
}
# (context, label) for the list items under a key: the names of the form's fields.
LIST_ITEMS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "fields": {f.key: ("loan_form", f.label) for f in FORM_FIELDS},
}

_PURPOSES: Final = {
    "signing": QT_TRANSLATE_NOOP("audit", "签名密钥"),
    "encryption": QT_TRANSLATE_NOOP("audit", "加密密钥"),
}
_PROTECTIONS: Final = {
    "aes_zip": QT_TRANSLATE_NOOP("audit", "AES-256 加密压缩包（密码电话告知）"),
    "age": QT_TRANSLATE_NOOP("audit", "age 加密（开行的公钥）"),
}
_RECEIPT_STATUS: Final = {
    "received": QT_TRANSLATE_NOOP("audit", "省级已接收"),
    "refused": QT_TRANSLATE_NOOP("audit", "省级已拒收"),
    "accepted": QT_TRANSLATE_NOOP("audit", "已接收"),
    "quarantined": QT_TRANSLATE_NOOP("audit", "已隔离"),
    "written": QT_TRANSLATE_NOOP("audit", "已写出"),
}
BATCH_REASONS: Final[dict[str, str]] = {
    "not_a_batch": QT_TRANSLATE_NOOP("audit", "不是报送批次文件"),
    "too_large": QT_TRANSLATE_NOOP("audit", "文件过大"),
    "wrong_recipient": QT_TRANSLATE_NOOP("audit", "不是发给本单位的"),
    "truncated": QT_TRANSLATE_NOOP("audit", "文件不完整"),
    "corrupt": QT_TRANSLATE_NOOP("audit", "文件已损坏"),
    "bad_archive": QT_TRANSLATE_NOOP("audit", "压缩包无法读取"),
    "manifest_invalid": QT_TRANSLATE_NOOP("audit", "清单不合格式"),
    "signature_missing": QT_TRANSLATE_NOOP("audit", "缺少签名"),
    "unknown_signer": QT_TRANSLATE_NOOP("audit", "签名方未登记"),
    "bad_signature": QT_TRANSLATE_NOOP("audit", "签名不符"),
    "file_altered": QT_TRANSLATE_NOOP("audit", "文件被改动"),
    "file_missing": QT_TRANSLATE_NOOP("audit", "缺少文件"),
    "file_extra": QT_TRANSLATE_NOOP("audit", "多出文件"),
    "data_invalid": QT_TRANSLATE_NOOP("audit", "数据不合格式"),
    "replayed": QT_TRANSLATE_NOOP("audit", "重复报送"),
    "older_sequence": QT_TRANSLATE_NOOP("audit", "序号早于已收到的批次"),
    "malformed": QT_TRANSLATE_NOOP("audit", "文件结构异常"),
}


def _enum(cls: type, context: str) -> dict[str, tuple[str, str]]:
    return {member.value: (context, member.label) for member in cls}  # type: ignore[attr-defined]


_STATUS: Final = _enum(Status, "review")
# (context, label) for a coded value, by the key it is under.
VALUE_LABELS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "from": _STATUS,
    "to": _STATUS,
    "role": _enum(Role, "role"),
    "result": _enum(Result, "eligibility"),
    "computed_result": _enum(Result, "eligibility"),
    "final_result": _enum(Result, "eligibility"),
    "standard": {**_enum(StandardKind, "eligibility"), **_enum(PassBy, "eligibility")},
    "loan_type": _enum(LoanType, "loan_form"),
    "group": _enum(PriorityGroup, "group"),
    "claims": _enum(PriorityGroup, "group"),  # roster.verify_priority: [employment id, claimed group]
    "before": _enum(PriorityGroup, "group"),  # and [id, group, evidence] as they were
    "contract_type": _enum(ContractType, "contract"),
    "size_override": _enum(EnterpriseSize, "size"),
    "purpose": _field_labels(_PURPOSES),
    "protection": _field_labels(_PROTECTIONS),
    "status": {**_field_labels(_RECEIPT_STATUS), **_STATUS},
    "reasons": _field_labels(BATCH_REASONS),
    "verdict": _enum(Verdict, "tracking"),
    "list_kind": _field_labels({"roster": QT_TRANSLATE_NOOP("audit", "名册"),
                                "insurance": QT_TRANSLATE_NOOP("audit", "社保缴费明细")}),
}


def value_label(key: str, value: object, action: str = "") -> tuple[str, str] | None:
    """(context, label) of a coded ``value`` under ``key``, or None when it is not a code we know."""
    if not isinstance(value, str) or key in _BY_ACTION.get(action, {}):
        return None
    return VALUE_LABELS.get(key, {}).get(value)


# Where one key means something else in one action.
_BY_ACTION: Final[dict[str, dict[str, str]]] = {
    "db.restore": {"from": QT_TRANSLATE_NOOP("audit", "恢复自")},
}


def key_label(key: str, parent: str = "", action: str = "") -> tuple[str, str] | None:
    """(context, label) of a detail key (inside the value under ``parent`` when given) of ``action``."""
    if parent in NESTED_KEYS and key in NESTED_KEYS[parent]:
        return NESTED_KEYS[parent][key]
    if not parent and key in _BY_ACTION.get(action, {}):
        return CONTEXT, _BY_ACTION[action][key]
    label = DETAIL_KEYS.get(key)
    return (CONTEXT, label) if label else None


def step_actions() -> list[str]:
    """The actions a review step writes (``review.submit`` …)."""
    return [f"review.{step.value}" for step in Step]

__all__ = ["BATCH_REASONS", "DETAIL_KEYS", "ENTITY_LABELS", "LIST_ITEMS", "NESTED_KEYS", "VALUE_LABELS",
           "key_label", "step_actions", "value_label"]
