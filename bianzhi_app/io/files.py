"""Opening a workbook file with python-calamine, with messages a clerk understands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import python_calamine
from python_calamine import CalamineSheet, CalamineWorkbook

from bianzhi_app import errors
from bianzhi_app.errors import InvalidInput

_ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
_OLE_SUFFIXES = {".xls", ".xla"}
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream name Excel gives an encrypted .xlsx
_PASSWORD = "文件「{name}」设有打开密码,请在Excel中取消密码后再导入"


def open_workbook(path: Path) -> CalamineWorkbook:
    """Open with python-calamine; NotFound for a missing file, InvalidInput (Chinese, naming the file)
    for one that is not a readable workbook. The content decides the format, not the extension."""
    name = path.name
    if not path.is_file():
        raise errors.NotFound(f"找不到文件「{name}」")
    with path.open("rb") as handle:
        magic = handle.read(512)
    if not magic:
        raise InvalidInput(f"文件「{name}」是空文件")
    if magic.startswith(b"PK\x03\x04"):
        native = path.suffix.lower() in _ZIP_SUFFIXES
    elif magic.startswith(b"\xd0\xcf\x11\xe0"):
        native = path.suffix.lower() in _OLE_SUFFIXES
    elif magic.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise InvalidInput(f"文件「{name}」是网页(HTML/XML)格式,不是真正的Excel工作簿;"
                           "请用Excel打开后另存为.xlsx再导入")
    else:
        raise InvalidInput(f"文件「{name}」不是Excel工作簿(.xlsx或.xls)")
    try:
        if native:
            return CalamineWorkbook.from_path(str(path))
        with path.open("rb") as handle:  # extension and content disagree: let calamine sniff
            return CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        raise InvalidInput(_PASSWORD.format(name=name)) from None
    except Exception as exc:  # calamine raises several types for a damaged file
        if magic.startswith(b"\xd0\xcf\x11\xe0") and _ENCRYPTED in path.read_bytes():
            raise InvalidInput(_PASSWORD.format(name=name)) from None  # an .xlsx with an opening password
        raise InvalidInput(f"无法读取文件「{name}」:文件已损坏或不是Excel工作簿({exc})") from None


def load_sheet(book: CalamineWorkbook, sheet_name: str, file_name: str) -> CalamineSheet:
    try:
        return book.get_sheet_by_name(sheet_name)
    except Exception as exc:
        raise InvalidInput(f"无法读取文件「{file_name}」的工作表「{sheet_name}」:{exc}") from None


# --- formulas without a cached value ----------------------------------------------------------------
# python-calamine reads a formula cell's cached value, and a formula nobody computed (a workbook written by
# a script, never opened in Excel) reads as an empty cell. Such cells are found in the sheet's XML instead,
# so the import lists them as problems rather than importing blanks.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 1 << 20
UNCACHED_LIMIT = 200  # cells listed per sheet (a script's workbook may have thousands)


def _sheet_parts(archive: Any) -> dict[str, str]:
    """Sheet name → the zip member holding its XML."""
    import posixpath
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return parts


def _has_formula(archive: Any, member: str) -> bool:
    """A fast scan (no XML parse) of a sheet part for any formula element."""
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
                return True
            tail = data[-8:]
    return False


def uncached_formulas(path: Path, sheet_names: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For an .xlsx: per sheet, the cells (reference like "C5", formula text) holding a formula with no cached
    value (or an empty one: it reads as a blank all the same), at most UNCACHED_LIMIT each; an empty dict for
    any other file or one this cannot read."""
    import zipfile
    from xml.etree import ElementTree

    found: dict[str, list[tuple[str, str]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            for name in sheet_names:
                member = parts.get(name)
                if member is None or not _has_formula(archive, member):
                    continue
                cells: list[tuple[str, str]] = []
                with archive.open(member) as handle:
                    for _event, element in ElementTree.iterparse(handle):
                        if element.tag != f"{_MAIN}c":
                            continue
                        formula = element.find(f"{_MAIN}f")
                        value = element.find(f"{_MAIN}v")
                        if formula is not None and (value is None or not value.text):
                            cells.append((element.get("r", ""), formula.text or ""))
                            if len(cells) >= UNCACHED_LIMIT:
                                break
                        element.clear()
                if cells:
                    found[name] = cells
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return found
