"""Commands of data packages (数据上报): package key|export|import, region add, duplicates (status --by-region
is in views). Thin functions over `book.packages` and `book.regions`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import DateArg, Registry, change_out, open_book, out
from bianzhi_app.errors import InvalidInput, NotFound


def read_key_file(path: str) -> str:
    """The text of a key file; refuses (NotFound) a missing one, (InvalidInput) one that is not text."""
    source = Path(path)
    if not source.is_file():
        raise NotFound(f"密钥文件不存在:{path}", field="key")
    try:
        return source.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        raise InvalidInput(f"密钥文件「{source.name}」不是文本(应为 package key 输出的整段文字)", field="key") from None


def cmd_package_key(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        public = book.packages.public_keys()
    out(args, {"region": {"name": public.name, "code": public.code}, "fingerprint": public.fingerprint,
               "text": public.text()}, public.text())


def cmd_package_export(args: argparse.Namespace) -> None:
    key_text = read_key_file(args.to)
    with open_book(args) as book:
        manifest = book.packages.export(path=args.file, to_key_text=key_text, as_of=args.as_of,
                                        carry=args.carry or None)
    counts = manifest["counts"]
    carried = "".join(f";随附下级数据包 {c['code']}" for c in manifest.get("carried", []))
    out(args, {"ok": True, "file": args.file, "manifest": manifest},
        f"已导出数据包 {args.file}:{manifest['region']['name']}({manifest['region']['code']})截至 {manifest['as_of']},"
        f"单位{counts['units']}个,人员{counts['persons']}人,用编核准{counts['approvals']}件,"
        f"台账 #{manifest['ledger_head']['seq']} {manifest['ledger_head']['hash'][:12]};"
        f"接收方 {manifest['recipient']['name']}({manifest['recipient']['code']}){carried}")


def cmd_package_carried(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        found = book.packages.carried(args.file)
    lines = [f"{c['name']}({c['code']})\t截至 {c['as_of']}\t台账 #{c['ledger_head']['seq']}\t已校验" for c in found]
    out(args, {"carried": [{k: v for k, v in c.items() if k != "units"} for c in found]},
        "\n".join(lines) if lines else "此数据包没有随附下级数据包")


def cmd_package_import(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        result = book.packages.import_package(args.file)
    payload = {"ok": True, "imported": result.imported, "region": {"name": result.region, "code": result.code},
               "as_of": result.as_of, "ledger_head_seq": result.head_seq, "persons": result.persons,
               "seq": result.seq}
    if result.imported:
        out(args, payload, f"已导入{result.region}({result.code})截至 {result.as_of} 的数据包:人员{result.persons}人,"
                           f"其台账 #{result.head_seq};记入本台账第{result.seq}条")
    else:
        out(args, payload)
        sys.stderr.write(f"已持有{result.region}({result.code})的同一数据包(截至 {result.as_of},"
                         f"台账 #{result.head_seq}),未作任何改动\n")


def cmd_region_add(args: argparse.Namespace) -> None:
    key_text = read_key_file(args.key)
    with open_book(args) as book:
        change = book.regions.register(name=args.name, code=args.code, key_text=key_text)
    change_out(args, change, f"已登记下级地区 {args.name}({args.code})")


def cmd_duplicates(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        found = book.packages.duplicates()
    lines = [f"{d['name']}\t{d['id_number']}\t" + ";".join(f"{p['region_code']} {p['unit']}" for p in d["places"])
             for d in found]
    out(args, {"duplicates": found}, "\n".join(lines) if lines else "没有在多个地区同时在编的人员")


def register(cli: Registry) -> None:
    package = cli.group("package", "数据上报:本台账的公钥,导出数据包(县区),导入数据包(市)")
    cli.command("key", cmd_package_key, "输出本台账的公钥(一段文字;存为文件后供 region add 和 --to 读取)",
                writes=True, permission=Permission.READ, parent=package)
    p = cli.command("export", cmd_package_export, "导出签名的数据包(身份证号只有接收方台账能解开)", writes=True,
                    permission=Permission.STAFF, parent=package)
    p.add_argument("file", metavar="FILE.bzp", help="数据包文件")
    p.add_argument("--to", required=True, metavar="KEYFILE", help="接收方(上级)台账的公钥文件")
    p.add_argument("--as-of", type=DateArg, metavar="日期", help="截至日期 YYYY-MM-DD(默认今天)")
    p.add_argument("--carry", action="append", metavar="FILE.bzp",
                   help="(市台账)随附所持的下级数据包文件,原样报给上级(可多次)")
    p = cli.command("carried", cmd_package_carried, "(省台账)校验市数据包中随附的各县区数据包,不作改动",
                    writes=False, permission=Permission.READ, parent=package)
    p.add_argument("file", metavar="FILE.bzp", help="市的数据包文件")
    p = cli.command("import", cmd_package_import, "导入下级地区的数据包(先校验签名和内容)", writes=True,
                    permission=Permission.STAFF, parent=package)
    p.add_argument("file", metavar="FILE.bzp", help="数据包文件")
    region = cli.group("region", "下级地区(市台账)")
    p = cli.command("add", cmd_region_add, "登记下级地区及其公钥", writes=True, permission=Permission.ESTABLISH,
                    parent=region)
    p.add_argument("name", metavar="NAME", help="下级地区名称")
    p.add_argument("--code", required=True, metavar="CODE", help="6位地区代码")
    p.add_argument("--key", required=True, metavar="KEYFILE", help="该地区 package key 输出的公钥文件")
    cli.command("duplicates", cmd_duplicates, "在多个地区同时在编的人员(身份证号脱敏)", writes=False,
                permission=Permission.READ)
