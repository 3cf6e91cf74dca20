"""Commands about the installation: init, demo, gui, self-test."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.auth import new_demo_password, read_password
from desktop.cli.common import EXIT_OK, UsageError, county_code, db_path, emit

PROVINCE_CODE = "220000"  # 吉林省


def cmd_init(args: argparse.Namespace) -> int:
    from desktop.services import offices as office_service

    if args.province:
        county, kind = args.county or PROVINCE_CODE, "province"
    elif args.county:
        county, kind = county_code(args.county), "county"
    else:
        raise UsageError("请用 --county 写明所在县（市、区），或用 --province 设置省级单位")
    password = read_password(f"管理员 {args.admin} 的密码：", user=args.admin, confirm=True)
    office = office_service.initialise_office(
        db_path(args), county_code=county, name=args.office, letter_prefix=args.prefix,
        admin_username=args.admin, admin_password=password, kind=kind,
    )
    emit(args, {"db": db_path(args), "office": office},
         f"已建立 {office.name}（{office.code}）的数据库：{db_path(args)}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.services import demo as demo_service

    path = db_path(args)
    if args.replace:
        demo_service.remove_demo(path)
    password, chosen = new_demo_password()
    summary = demo_service.build_demo(path, seed=args.seed, password=password)
    text = (f"演示数据库已建立：{summary.path}\n单位：{summary.office}；企业 {summary.enterprises} 家，"
            f"职工 {summary.workers} 人（重点群体 {summary.priority_workers} 人），贷款申请 {summary.applications} 件。\n"
            f"用户：admin（管理员）、clerk（经办人）、approver（审核人）")
    text += f"，密码均为：{password}" if chosen else "，密码为环境变量 LAOXIE_PASSWORD 的值。"
    emit(args, {"demo": summary, **({"password": password} if chosen else {})}, text)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_gui  # Qt only when a window is wanted

    return run_gui(db_path(args))


def cmd_self_test(args: argparse.Namespace) -> int:
    from desktop.selftest import run_self_test

    report = run_self_test()
    emit(args, {"self_test": report}, "\n".join(f"{k}: {v}" for k, v in report.items()) + "\n自检通过")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="首次设置本单位")
    p.add_argument("--county", metavar="县", help="所在县（市、区）代码或名称")
    p.add_argument("--province", action="store_true",
                   help="省级单位（省就业服务局）：接收各县报送批次、汇总、报送省开行；区划代码 220000")
    p.add_argument("--office", metavar="单位名称", required=True, help="单位名称，如 延吉市就业服务局")
    p.add_argument("--prefix", metavar="前缀", required=True, help="确认书文号前缀，如 延吉人社劳协确")
    p.add_argument("--admin", metavar="用户名", required=True, help="第一位管理员的用户名（密码从提示输入或 LAOXIE_PASSWORD）")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="建立演示数据库")
    p.add_argument("--replace", action="store_true", help="先删除同名的旧文件")
    p.add_argument("--seed", type=int, default=19, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("gui", parents=[common], help="打开窗口")
    p.set_defaults(handler=cmd_gui)
