"""Opening a workbook file with python-calamine, with messages a clerk understands."""

from __future__ import annotations

from pathlib import Path

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
