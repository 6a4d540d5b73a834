"""Command line: load workbooks into the store, export any documented table or view.

    python -m lib.cli load FILE... [--accept-unmapped] [--layout NAME] [--db PATH]
    python -m lib.cli load --demo multiyear [--db PATH]
    python -m lib.cli export NAME [--where COLUMN=VALUE ...] [--format csv|xlsx] [--out FILE]
        [--user NAME] [--db PATH]
    python -m lib.cli template [--out FILE]
    python -m lib.cli hash-password < password.txt
    python -m lib.cli check [--json] [--certainty 不符|无法核对|提示 ...] [--rule R1..R15 ...]
        [--user NAME] [--db PATH]
    python -m lib.cli form PROJECT_OR_PROGRAM_ID [--out FILE] [--user NAME] [--db PATH]
    python -m lib.cli draft REPORT [--out DRAFT.xlsx]
    python -m lib.cli report --format pdf|docx [--where COLUMN=VALUE ...] [--out FILE]
        [--years latest|side|sum]
        [--user NAME] [--db PATH]
    python -m lib.cli intake PATH... [--zip] [--commit [--include-review] [--program ID ...]]
        [--match FILE=PROGRAM_ID|new ...] [--json] [--user NAME] [--db PATH] [--init]

--db PATH is a DuckDB file or a postgresql:// URL (default: $JIXIAO_DATABASE_URL, else $JIXIAO_DB).
A DuckDB file given with --db must exist (a mistyped path would otherwise read a fresh copy of the
shipped data as if it were the store); --init makes a new store from the shipped data there.
``load`` alone makes a new file of just the loaded workbooks, as it always has.
--user NAME limits what export, check, form and report read to that user's scope (a user name
of the users file, $JIXIAO_USERS); without it they read everything, as whoever may open the
database file can.

Exit codes: 0 success; 1 rejected input (findings printed); 2 usage or store error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import replace
from pathlib import Path

from lib.access.auth import AuthConfigError, hash_password, load_users, users_path
from lib.access.scope import EVERYTHING, Scope
from lib.analysis import checks
from lib.labels import AUDIT_CERTAINTIES, AUDIT_RULES
from lib.outputs import export
from lib.outputs.template import write_workbook
from lib.store import EXPORTABLE, ImportRejected, StoreBusyError, StoreError, accounts, open_store
from lib.store.base import DATA_DIR
from lib.store.scoped import ScopedReader
from lib.store.scoped import scoped_audit as store_scoped_audit

DB_HELP = ("数据库：DuckDB 文件或 postgresql:// 地址 (a DuckDB file or a postgresql:// URL; "
           "default: $JIXIAO_DATABASE_URL, else $JIXIAO_DB or var/jixiao.duckdb)")


def _db(text: str) -> str | Path:
    """--db: a postgresql:// URL stays text (a Path would fold its '//'), anything else is a file."""
    return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


# Shipped demo datasets beside the default seed (data/): ``load --demo NAME`` imports them.
DEMOS = {"multiyear": (DATA_DIR / "multiyear" / "yunnan_aviation_fire_2020_2024.xlsx",)}

USER_HELP = "只读取该用户权限范围内的数据（用户配置文件中的用户名） (limit to this user's scope)"
INIT_HELP = ("--db 指定的文件不存在时，用自带数据新建 (create a new store from the shipped data when the "
             "--db file does not exist)")
# Where the app shows what a read-only command gives, for when the app holds the file (DuckDB lets
# one process at a time open it): the command cannot read it, the analyst can get it there.
APP_PLACES = {
    "export": "看板“数据管理 › 数据导出”：选同一数据表或视图，侧栏筛选即 --where，表下有 CSV/Excel 下载",
    "check": "看板“核查”页：核查结果与下载",
    "report": "看板“报告详情 › 表格与报告下载”：简报 PDF 与自评报告 Word",
    "form": "看板“报告详情 › 表格与报告下载”：官方自评表",
    "intake": "看板“数据管理 › 批量导入”：拖入同样的文件夹、压缩包或文件",
}


class UnknownUser(LookupError):
    """--user names nobody in the users file (or there is none)."""


def _scope(args) -> Scope:
    """The scope of --user (everything without it). Raises UnknownUser."""
    name = getattr(args, "user", None)
    if name is None:
        return EVERYTHING
    try:
        users = load_users()
    except AuthConfigError as exc:
        raise UnknownUser(str(exc)) from exc
    if users is None:
        raise UnknownUser(f"没有用户配置文件 {users_path()}，无法按用户 {name} 限定范围 "
                          f"(no users file, so --user {name} cannot be looked up)")
    if name not in users:
        raise UnknownUser(f"用户配置文件中没有用户 {name} (no user '{name}' in {users_path()})")
    return users[name].scope


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="绩效看板数据命令行")
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="校验并导入工作簿 (validate and import workbooks)")
    load.add_argument("files", nargs="*", type=Path)
    load.add_argument("--demo", choices=sorted(DEMOS),
                      help="导入随附的示例数据集，如 multiyear：云南省森林草原航空消防资金 2020–2024 年 "
                           "(load a shipped demo dataset instead of FILE...)")
    load.add_argument("--db", type=_db, help=DB_HELP)
    load.add_argument("--accept-unmapped", action="store_true",
                      help="自评表中有未识别的单元格时仍导入 (import although some form cells "
                           "were not recognized)")
    load.add_argument("--layout", metavar="NAME",
                      help="对自评表使用已保存的列映射版式 (apply a saved column mapping to the forms)")

    exp = sub.add_parser("export", help="导出表或视图 (export a table or view)")
    exp.add_argument("name", choices=EXPORTABLE, metavar="NAME",
                     help="one of: " + ", ".join(EXPORTABLE))
    exp.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE")
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument("--out", type=Path, help="输出文件；csv 不指定时写到标准输出")
    exp.add_argument("--user", metavar="NAME", help=USER_HELP)
    exp.add_argument("--db", type=_db, help=DB_HELP)

    tpl = sub.add_parser("template", help="写出空白模板 (write the blank template)")
    tpl.add_argument("--out", type=Path, default=Path("template.xlsx"))

    chk = sub.add_parser("check", help="核查：报告数字是否自洽 (consistency audit; always exits 0)")
    chk.add_argument("--json", action="store_true", help="输出 JSON (print findings as JSON)")
    chk.add_argument("--certainty", action="append", metavar="|".join(AUDIT_CERTAINTIES),
                     help="只列此性质的发现，可重复 (only findings of this certainty; repeatable)")
    chk.add_argument("--rule", action="append", metavar=f"R1..R{len(AUDIT_RULES)}",
                     help="只列此规则的发现，可重复 (only findings of this rule; repeatable)")
    chk.add_argument("--user", metavar="NAME", help=USER_HELP)
    chk.add_argument("--db", type=_db, help=DB_HELP)

    frm = sub.add_parser("form", help="写出官方自评表 (write the official self-evaluation form)")
    frm.add_argument("record_id", metavar="PROJECT_OR_PROGRAM_ID",
                     help="项目编号（项目支出自评表）或资金/部门编号（区域自评表或全部项目）")
    frm.add_argument("--out", type=Path, help="输出文件 (default: 自评表_<ID>.xlsx)")
    frm.add_argument("--user", metavar="NAME", help=USER_HELP)
    frm.add_argument("--db", type=_db, help=DB_HELP)

    drf = sub.add_parser("draft", help="由自评报告起草数据工作簿 (draft a dataset from a report)")
    drf.add_argument("report", type=Path, help="报告文件：.txt、.docx 或 .pdf")
    drf.add_argument("--out", type=Path, help="输出工作簿 (default: <报告名>_草稿.xlsx)")

    rep = sub.add_parser("report", help="简报 PDF 或自评报告 Word 草稿 (PDF brief or Word report draft)")
    rep.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    rep.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                     help="筛选，同侧栏: year, program_id, region, project_id")
    rep.add_argument("--out", type=Path, help="输出文件 (default: 绩效简报_….pdf / 自评报告草稿_….docx)；"
                     "Word 草稿每项资金/部门一个文件，多项时文件名后加编号 (one .docx per program)")
    rep.add_argument("--years", choices=("latest", "side", "sum"), default="latest",
                     help="简报核心数字的年度口径，同“总览”：最新年度（默认）、各年度并列、全部年度合计")
    rep.add_argument("--user", metavar="NAME", help=USER_HELP)
    rep.add_argument("--db", type=_db, help=DB_HELP)

    ink = sub.add_parser("intake", help="批量导入：文件夹、压缩包或多个文件 → 分拣清单，--commit 提交为"
                                        "一个新版本 (a year's inbox: triage many files, commit the ready "
                                        "ones as one version)")
    ink.add_argument("paths", nargs="+", type=Path, help="文件、文件夹或 .zip")
    ink.add_argument("--zip", action="store_true",
                     help="把每个给定的文件当作 .zip 压缩包读取，不论扩展名 (read every file given as a zip)")
    ink.add_argument("--commit", action="store_true",
                     help="提交“可导入”的资金/部门，作为一个新版本 (commit the ready programs as one "
                          "version)")
    ink.add_argument("--include-review", action="store_true",
                     help="也提交“待核对”的（报告草稿、未识别单元格、待确认的匹配） (also commit those "
                          "to review)")
    ink.add_argument("--program", action="append", default=[], metavar="ID",
                     help="只提交这些资金/部门（分拣清单中“更新/新增”后的编号），可重复 (only these)")
    ink.add_argument("--match", action="append", default=[], metavar="FILE=PROGRAM_ID",
                     help="指定文件所属的库中资金/部门；=new 作为新增，可重复 (the stored program a file "
                          "is, or new)")
    ink.add_argument("--json", action="store_true", help="输出 JSON (print the triage as JSON)")
    ink.add_argument("--user", metavar="NAME", help="导入人（用户配置文件中的用户名） (the importing user)")
    ink.add_argument("--db", type=_db, help=DB_HELP)
    ink.add_argument("--init", action="store_true", help=INIT_HELP)
    for name in ("export", "check", "form", "report"):
        sub.choices[name].add_argument("--init", action="store_true", help=INIT_HELP)

    sub.add_parser("hash-password",
                   help="生成 config/users.toml 用的密码哈希 (hash a password from stdin or a prompt)")
    return parser


def _missing_db(args) -> str | None:
    """Why the command must not run: its --db file does not exist and --init was not given."""
    db = getattr(args, "db", None)
    if args.command == "load" or db is None or isinstance(db, str) or Path(db).exists() or \
            getattr(args, "init", False):
        return None
    return (f"数据库文件 {db} 不存在：请检查路径；如要用自带数据新建，加 --init "
            f"(no database file at {db}; check the path, or add --init for a new store from the "
            "shipped data)")


def _busy_hint(command: str, exc: StoreError) -> str:
    """What to do when the app holds the file: where the app shows the same, or how to free it."""
    import re

    pid = re.search(r"PID (\d+)", str(exc))
    holder = f"（PID {pid[1]}）" if pid else ""
    place = APP_PLACES.get(command)
    lines = [str(exc), "获取同样数据的办法 (how to get the same data):"]
    if place:
        lines.append(f"  1. 在运行中的{place}；")
    lines.append(f"  {2 if place else 1}. 或停止占用该文件的进程{holder}后重试本命令；")
    lines.append(f"  {3 if place else 2}. 或在停止看板时复制该文件，用 --db 副本路径 读取副本。")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if problem := _missing_db(args):
        print(problem, file=sys.stderr)
        return 2
    try:
        if args.command == "load":
            return _load(args)
        if args.command == "export":
            return _export(args)
        if args.command == "check":
            return _check(args)
        if args.command == "form":
            return _form(args)
        if args.command == "draft":
            return _draft(args)
        if args.command == "report":
            return _report(args)
        if args.command == "intake":
            return _intake(args)
        if args.command == "hash-password":
            return _hash_password()
        write_workbook(args.out)
        print(f"已写出模板 {args.out}")
        return 0
    except StoreBusyError as exc:  # the app (or another process) holds the DuckDB file
        print(_busy_hint(args.command, exc), file=sys.stderr)
        return 2
    except (StoreError, UnknownUser) as exc:  # an unreachable PostgreSQL, an unknown --user
        print(exc.args[0] if isinstance(exc, UnknownUser) else str(exc), file=sys.stderr)
        return 2


def _load(args) -> int:
    if bool(args.files) == bool(args.demo):
        print("请给出要导入的文件，或用 --demo 选择示例数据集（二者选一）"
              " (give FILE... or --demo NAME, not both)", file=sys.stderr)
        return 2
    if args.demo:
        args.files = list(DEMOS[args.demo])
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        print("找不到文件 (file not found): " + ", ".join(map(str, missing)), file=sys.stderr)
        return 2
    store = open_store(args.db, seed=False)  # an explicit load brings its own data
    sources = [(f.name, f) for f in args.files]
    try:
        before = store.version_id()
        parsed = store.validate(sources, layout=args.layout)
        _print_coverage(parsed)
        result = store.import_files(sources, validated=parsed, accept_unmapped=args.accept_unmapped)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    except ImportRejected as rejected:
        print(f"导入被拒绝，数据库未改变 (import rejected, store unchanged; version {before}):",
              file=sys.stderr)
        for finding in rejected.findings:
            print("  - " + str(finding), file=sys.stderr)
        if parsed.blocking_unmapped and not parsed.findings:
            print("以上单元格未导入；确认不需要时加 --accept-unmapped，"
                  "或在“数据管理”中映射这些列并保存版式后用 --layout NAME "
                  "(add --accept-unmapped to import without them, or map the columns)",
                  file=sys.stderr)
        return 1
    finally:
        store.close()
    counts = ", ".join(f"{t} {n}" for t, n in result.row_counts.items())
    print(f"已导入 {', '.join(result.programs)}，数据版本 {result.version_id}（{counts}）")
    return 0


def _print_coverage(parsed) -> None:
    """The forms' coverage (cells read / cells stored) and what was not imported."""
    if not parsed.cells_read:
        return
    print(f"自评表单元格：读取 {parsed.cells_read} 个，已导入或识别为标签 {parsed.cells_stored} 个"
          f"（{parsed.coverage:.1%}） (form cells read {parsed.cells_read}, stored {parsed.cells_stored})")
    for item in parsed.unmapped:
        print(f"  - {item.file} › {item.sheet}：{item.message}（{item.message_en}）")


def _export(args) -> int:
    where: dict[str, str] = {}
    for item in args.where:
        if "=" not in item:
            print(f"--where 需要 COLUMN=VALUE 格式: {item}", file=sys.stderr)
            return 2
        column, value = item.split("=", 1)
        where[column.strip()] = value
    scope = _scope(args)
    store = open_store(args.db)
    try:
        columns = store.columns(args.name)
        unknown = [c for c in where if c not in columns]
        if unknown:
            print(f"{args.name} 没有列 (no such column): {', '.join(unknown)}；可用: {', '.join(columns)}",
                  file=sys.stderr)
            return 2
        frame = ScopedReader(store, scope).read(args.name, where=where)
        meta = export.meta_for(store, args.name, where, scope)
        target = args.out or ("-" if args.format == "csv" else Path(export.file_name(args.name, "xlsx")))
        accounts.log_export(store, _cli_user(args), args.name, str(target), where, len(frame), via="cli",
                            fmt=args.format)
    finally:
        store.close()
    if args.format == "csv":
        data = export.to_csv_bytes(frame, args.name)
        if args.out is None:
            sys.stdout.buffer.write(data)
            return 0
        args.out.write_bytes(data)
    else:
        if len(frame) > export.XLSX_MAX_ROWS:
            print(f"{len(frame):,} 行超过 Excel 单表上限 {export.XLSX_MAX_ROWS:,} 行：请用 --format csv，"
                  "或用 --where 缩小范围 (too many rows for one Excel sheet: use csv or narrow with --where)",
                  file=sys.stderr)
            return 1
        target.write_bytes(export.to_xlsx_bytes(frame, args.name, meta))
        args.out = target
    print(f"已导出 {len(frame)} 行到 {args.out}", file=sys.stderr)
    return 0


def _cli_user(args) -> str:
    """Who the activity log names for a command: the named user, else the system account."""
    if getattr(args, "user", None):
        return args.user
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (a container): as the store names an import
        return "unknown"


def scoped_audit(store, scope: Scope) -> list[checks.Finding]:
    """The audit of what ``scope`` may see: everything unscoped; else the whole programs the
    scope reaches, narrowed to the findings that concern it (checks.audit_in_scope)."""
    from lib.filters import Filters

    return store_scoped_audit(store, Filters(scope=scope))


def _check(args) -> int:
    """Print the audit findings (a readable Chinese list, or JSON); exit 0 whatever is found,
    2 for an unknown --rule or --certainty (refused with the valid list, nothing printed)."""
    for what, values, valid in (("规则", args.rule, AUDIT_RULES),
                                ("性质", args.certainty, AUDIT_CERTAINTIES)):
        error = checks.refuse_unknown(what, values or (), valid)
        if error:
            print(error, file=sys.stderr)
            return 2
    scope = _scope(args)
    store = open_store(args.db)
    try:
        findings = scoped_audit(store, scope)
        version = store.version_id()
    finally:
        store.close()
    if args.certainty:
        findings = [f for f in findings if f.certainty in args.certainty]
    if args.rule:
        findings = [f for f in findings if f.rule in args.rule]
    if args.json:
        by_certainty = {c: sum(f.certainty == c for f in findings) for c in AUDIT_CERTAINTIES}
        payload = {"version": version, "count": len(findings), "by_certainty": by_certainty,
                   "findings": [f.to_dict() for f in findings]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        return 0
    sys.stdout.write(checks.format_findings(findings, version) + "\n")
    return 0


def _form(args) -> int:
    """Write the official 自评表 of a project or program (lib/outputs/forms.py)."""
    from lib.outputs import forms

    scope = _scope(args)
    store = open_store(args.db)
    try:
        data = forms.write_form(ScopedReader(store, scope), args.record_id)
        out = args.out or Path(forms.form_file_name(args.record_id))
        accounts.log_export(store, _cli_user(args), "form", str(out), {"record_id": args.record_id},
                            via="cli")
    except KeyError as exc:
        print(exc.args[0] if exc.args else str(exc), file=sys.stderr)
        return 2
    finally:
        store.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已写出自评表 {out}", file=sys.stderr)
    return 0


def _draft(args) -> int:
    """Draft a dataset workbook from a narrative report (lib/intake/report, lib/outputs/draft.py)."""
    from lib.intake.report import read_report
    from lib.intake.report.files import ReportFileError, read_text
    from lib.outputs.draft import write_draft

    if not args.report.is_file():
        print(f"找不到文件 (file not found): {args.report}", file=sys.stderr)
        return 2
    try:
        text = read_text(args.report.name, args.report.read_bytes())
    except ReportFileError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    draft = read_report(text, args.report.name)
    out = args.out or args.report.with_name(f"{args.report.stem}_草稿.xlsx")
    write_draft(draft, out)
    counts = "，".join(f"{t} {len(rows)}" for t, rows in draft.tables.items() if rows)
    print(f"已写出草稿 {out}（{draft.program_id}：{counts}）")
    print(f"未归类数字 {len(draft.unplaced)} 个，见工作表“未归类数字”")
    for note in draft.notes:
        print("  - " + note)
    if not draft.loadable():
        print("报告未写明资金/部门名称或年度：补填后才能导入 (fill in the program and year before loading)",
              file=sys.stderr)
    return 0


def _report_filters(items: list[str]):
    """--where COLUMN=VALUE items as the sidebar's Filters; (None, problem) when one is not a filter."""
    from lib.filters import FILTER_COLUMNS, Filters

    values: dict[str, object] = {}
    for item in items:
        column, sep, value = item.partition("=")
        column = column.strip()
        if not sep or column not in FILTER_COLUMNS:
            return None, (f"--where 需要 COLUMN=VALUE，COLUMN 为 {', '.join(FILTER_COLUMNS)} 之一: {item} "
                          f"(expected one of {', '.join(FILTER_COLUMNS)})")
        if column == "year":
            if not value.strip().isdigit():
                return None, f"year 须为整数 (year must be an integer): {value}"
            values[column] = int(value)
        else:
            values[column] = value
    return Filters(**values), None


def _report(args) -> int:
    """Write the PDF brief or the Word report draft of a selection (lib/outputs/brief.py, report_docx.py)."""
    from lib.outputs import brief, report_docx  # nothing of Streamlit: the formatting is lib/outputs/fmt.py

    filters, problem = _report_filters(args.where)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if args.format == "pdf" and (problem := brief.renderer_problem()):
        print(problem, file=sys.stderr)
        return 2
    scope = _scope(args)
    filters = replace(filters, scope=scope)
    store = open_store(args.db)
    files: list[tuple[Path, bytes]] = []
    try:
        reader = ScopedReader(store, scope)
        if args.format == "pdf":
            files.append((args.out or Path(brief.file_name(filters)),
                          brief.write_pdf(reader, filters, args.years)))
        else:  # a draft is one report: a file per program of the selection, latest year first
            programs = list(report_docx.report_programs(reader, filters)["program_id"]) or [None]
            for program_id in programs:
                out = args.out or Path(report_docx.file_name(filters, program_id))
                if args.out and len(programs) > 1:
                    out = args.out.with_name(f"{args.out.stem}_{program_id}{args.out.suffix}")
                files.append((out, report_docx.write_docx(reader, filters, program_id)))
        for out, _ in files:
            accounts.log_export(store, _cli_user(args), "brief" if args.format == "pdf" else "report",
                                str(out), filters.active(), via="cli", fmt=args.format)
    except KeyError as exc:
        print(exc.args[0] if exc.args else str(exc), file=sys.stderr)
        return 2
    except brief.BriefUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        store.close()
    for out, data in files:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"已写出 {out}（{len(data):,} 字节）", file=sys.stderr)
    return 0


def _intake(args) -> int:
    """Triage a drop (folders, zips, files) against the store; with --commit import the chosen
    programs as one version (lib/intake/inbox.py, lib/store/inbox.py)."""
    from lib.access.roles import PermissionDenied
    from lib.intake import inbox
    from lib.store import inbox as store_inbox

    items, problem = _drop_items(args.paths, args.zip)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    store = open_store(args.db)
    try:
        tty = sys.stderr.isatty()

        def progress(i: int, n: int, label: str) -> None:
            line = f"读取 {i + 1}/{n}：{label}"
            print(f"\r{line[:100]:<100}" if tty else line, end="" if tty else "\n", file=sys.stderr,
                  flush=True)

        files = inbox.read_drop(items, on_file=progress, layouts=store.layouts())
        if tty:
            print(file=sys.stderr)
        result = store_inbox.triage(store, files)
        choices, problem = _match_choices(result, args.match)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        if choices:
            result = store_inbox.triage(store, files, choices)
        if args.json:
            sys.stdout.write(json.dumps(store_inbox.triage_dict(result), ensure_ascii=False, indent=2,
                                        default=str) + "\n")
        else:
            sys.stdout.write(store_inbox.format_triage(result) + "\n")
        if not args.commit:
            print("未写入任何数据；加 --commit 提交“可导入”的资金/部门 (nothing written; add --commit)",
                  file=sys.stderr)
            return 0
        keys = [p.key for p in result.programs if p.committable and (p.ready or args.include_review)]
        if args.program:
            unknown = [pid for pid in args.program if pid not in {p.target_id for p in result.programs}]
            if unknown:
                print(f"分拣清单中没有资金/部门 {', '.join(unknown)} (no such program in the triage)",
                      file=sys.stderr)
                return 2
            keys = [p.key for p in result.programs if p.target_id in args.program and p.committable]
        if not keys:
            print("没有可提交的资金/部门：待核对的加 --include-review，待确认的用 --match 选择 "
                  "(nothing to commit)", file=sys.stderr)
            return 1
        try:
            done = store_inbox.commit(store, result, keys, user=_cli_user(args))
        except (ImportRejected, PermissionDenied, store_inbox.StaleTriage) as exc:
            print(f"提交被拒绝，数据库未改变 (commit refused, store unchanged)：{exc}", file=sys.stderr)
            for finding in getattr(exc, "findings", []):
                print("  - " + str(finding), file=sys.stderr)
            return 1
    finally:
        store.close()
    left = [p for p in result.programs if p.key not in keys]
    print(f"已导入 {len(done.programs)} 个资金/部门（{', '.join(done.programs)}），"
          f"数据版本 v{done.version_id}" + (f"；未提交 {len(left)} 个" if left else ""))
    return 0


def _drop_items(paths: list[Path], as_zip: bool) -> tuple[list[tuple[str, bytes]], str | None]:
    """(label, bytes) of every file under the paths (folders walked, hidden files left out)."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        return [], "找不到文件或文件夹 (not found): " + ", ".join(map(str, missing))
    items = []
    for path in paths:
        if path.is_dir():
            for file in sorted(f for f in path.rglob("*") if f.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith((".", "~$")) for part in relative.parts):
                    continue
                items.append((f"{path.name}/{relative.as_posix()}", file.read_bytes()))
        else:
            label = path.name if not as_zip or path.suffix.lower() == ".zip" else f"{path.name}.zip"
            items.append((label, path.read_bytes()))
    return items, None


def _match_choices(result, matches: list[str]) -> tuple[dict[str, str], str | None]:
    """--match FILE=PROGRAM_ID|new as the triage's choices (program key → stored id, or "")."""
    choices: dict[str, str] = {}
    for item in matches:
        file, sep, target = item.partition("=")
        if not sep or not file.strip() or not target.strip():
            return {}, f"--match 需要 FILE=资金/部门编号 或 FILE=new: {item}"
        file, target = file.strip(), target.strip()
        plans = [p for p in result.programs
                 if any(f == file or f.endswith("/" + file) for f in p.files)]
        if not plans:
            return {}, f"--match：分拣清单中没有文件 {file} (no such file among the programs)"
        for plan in plans:
            choices[plan.key] = "" if target.lower() in ("new", "新增") else target
    return choices, None


def _hash_password() -> int:
    password = getpass.getpass("密码: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not password:
        print("密码不能为空 (empty password)", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
