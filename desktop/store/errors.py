"""Errors of the office's database that a clerk can cause or meet.

Each carries a stable code and a Chinese message (marked for Qt's lupdate);
the window and the command line show the message, never a traceback.
"""

from __future__ import annotations

from desktop.core.messages import QT_TRANSLATE_NOOP

STORE_MESSAGES: dict[str, str] = {
    "newer_schema": QT_TRANSLATE_NOOP(
        "store",
        "数据库 {path} 由更新版本的劳协写入（数据结构第 {found} 版），本程序只支持到第 {supported} 版。"
        "请安装新版本后再打开，文件未作任何改动。",
    ),
    "not_a_database": QT_TRANSLATE_NOOP(
        "store", "文件 {path} 不是劳协数据库，或已损坏。文件未作任何改动。"
    ),
    "locked": QT_TRANSLATE_NOOP(
        "store", "数据库 {path} 正被另一个程序使用，请关闭另一个劳协窗口后重试。"
    ),
    "read_only": QT_TRANSLATE_NOOP(
        "store", "数据库 {path} 是只读的，无法保存。请检查文件属性或所在文件夹的写入权限。"
    ),
    "disk_full": QT_TRANSLATE_NOOP(
        "store", "磁盘空间不足，无法写入 {path}。刚才的操作没有保存，已有数据完好。请清理磁盘后重试。"
    ),
    "missing": QT_TRANSLATE_NOOP(
        "store", "数据库文件 {path} 不存在。请先运行 laoxie init（或 laoxie demo）建立，或用 --db 指定已有的文件。"
    ),
    "write_failed": QT_TRANSLATE_NOOP(
        "store", "写入数据库 {path} 时出错：{detail}。刚才的操作没有保存，已有数据完好。"
    ),
    "cannot_open": QT_TRANSLATE_NOOP("store", "无法打开数据库 {path}：{detail}"),
    "migration_failed": QT_TRANSLATE_NOOP(
        "store",
        "升级数据库 {path} 到第 {version} 版时出错：{detail}。数据库保持原样，升级前的副本在 {backup}。",
    ),
    "not_initialised": QT_TRANSLATE_NOOP(
        "store", "数据库 {path} 尚未设置本单位信息，请先运行 laoxie init 或在窗口中完成首次设置。"
    ),
    "disk_low": QT_TRANSLATE_NOOP(
        "store", "{path} 所在磁盘只剩 {free_mb} MB，至少需要 {needed_mb} MB。操作没有进行，已有数据完好。请清理磁盘后重试。"
    ),
    "backup_bad": QT_TRANSLATE_NOOP("store", "备份文件 {path} 不可用：{detail}"),
    "backup_failed": QT_TRANSLATE_NOOP("store", "备份到 {path} 失败：{detail}。数据库本身完好。"),
    "backup_folder_missing": QT_TRANSLATE_NOOP(
        "store", "备份文件夹 {path} 不存在（U 盘没有插好，或网络位置没有连上？）。没有在本机另建这个文件夹；请接好后再备份。"
    ),
    "backup_folder_gone": QT_TRANSLATE_NOOP(
        "store",
        "备份到 {path} 时这个文件夹不见了（U 盘被拔出，或网络位置断开了？）。备份没有完成，也没有在本机另建这个文件夹；数据库本身完好。请接好后重新备份。",
    ),
    "in_use": QT_TRANSLATE_NOOP(
        "store", "数据库 {path} 已在另一个劳协窗口中打开（可能在本机或网络上的另一台电脑）。请使用已打开的窗口，或先关闭它。"
    ),
    "duplicate": QT_TRANSLATE_NOOP("store", "{what}已存在：{value}"),
    "not_found": QT_TRANSLATE_NOOP("store", "找不到{what}：{value}"),
    "letter_pdf_damaged": QT_TRANSLATE_NOOP(
        "store", "第 {value} 号确认书保存的原件 PDF 与登记的摘要不符，数据库中的记录可能被改动过。请运行 laoxie db check。"
    ),
}


class StoreError(Exception):
    """A database problem with a message a clerk can act on."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(STORE_MESSAGES[code].format(**params))


class NewerSchemaError(StoreError):
    def __init__(self, path: object, found: int, supported: int) -> None:
        super().__init__("newer_schema", path=path, found=found, supported=supported)
        self.found = found
        self.supported = supported
