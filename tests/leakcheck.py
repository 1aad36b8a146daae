"""Looking for personal data in bytes (a book file, its WAL, a backup, an unzipped workbook): every full ID
number, every birth date in the usual written forms, every password. One pass over the bytes per form, so a
county's thousands of numbers are checked in a second; a finding is described masked."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bianzhi_app.idcodes import id_birth_date


def birth_forms(id_number: str) -> list[str]:
    """19900101, 1990-01-01, 1990年1月1日, 1990/01/01 (and 1990年01月01日)."""
    birth = id_birth_date(id_number)
    assert birth is not None
    return [f"{birth:%Y%m%d}", birth.isoformat(), f"{birth.year}年{birth.month}月{birth.day}日",
            f"{birth:%Y年%m月%d日}", f"{birth:%Y/%m/%d}"]


def leaks(raw: bytes, id_numbers: Iterable[str], secrets: Iterable[str] = ()) -> list[str]:
    """What of ``id_numbers`` (full, or as a birth date) and ``secrets`` the bytes hold, described masked.

    An ID number is sought inside every run of digits and X of 18 or more (a stored text's length byte may be a
    digit); a compact birth date only where no hex digit stands beside it (a ledger hash holds any 8 digits)."""
    text_runs = re.findall(rb"[0-9Xx]{18,}", raw)
    compact = set(re.findall(rb"(?<![0-9a-fA-F])(\d{8})(?![0-9a-fA-F])", raw))
    written = set(re.findall(rb"\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}", raw))
    written |= {m.encode() for m in re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", raw.decode("utf-8", "ignore"))}
    found = []
    for number in id_numbers:
        masked = f"{number[:6]}…{number[-4:]}"
        key = number.encode()
        if any(key in run or key.lower() in run for run in text_runs):
            found.append(f"ID {masked}")
        forms = birth_forms(number)
        if forms[0].encode() in compact or any(f.encode() in written for f in forms[1:]):
            found.append(f"birth date of {masked}")
    found += [f"secret #{i}" for i, secret in enumerate(secrets) if secret.encode() in raw]
    return found
