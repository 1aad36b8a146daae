"""The typed API of data packages: `book.regions` (the city registers a subordinate region: a reviewed
机构编制事项, one ledger entry) and `book.packages` (this book's public keys, export, import, the city's figures
per region, duplicates across regions).

Who may: `package key`, `status --by-region` and `duplicates` read (any role with READ); export and import are
the clerk's work (STAFF: like the workbook import, they move real-name data); registering a region is
ESTABLISH and reviewed while review is on, because the key it registers decides which packages the city trusts.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.areas import Area, operation
from bianzhi_app.db.sql import rows
from bianzhi_app.errors import InvalidInput, NotFound, StateRefused
from bianzhi_app.kernel import Change, Op, Tx
from bianzhi_app.ledger import canonical_json
from bianzhi_app.packages import build, fileformat, keys
from bianzhi_app.personal.crypto import CIPHERS, CryptoError, PersonalKeys, clear_columns, mask, unseal

if TYPE_CHECKING:
    from bianzhi_app.book import Book


def _own_region(conn: Any) -> tuple[str, str]:
    found = rows(conn, "SELECT name, code FROM regions LIMIT 1")
    if not found:
        raise StateRefused("本台账还没有建立地区(init),没有可用的地区名称和代码", field="region")
    return str(found[0][0]), str(found[0][1])


def register_region(tx: Tx, *, name: str, code: str, key_text: str) -> Change:
    """Register a subordinate region and its public keys (one ledger entry). Refuses a bad name or code, a key
    whose code differs, this book's own code or key, a code already registered (InvalidInput / StateRefused)."""
    name = " ".join(str(name).split())
    if not name or len(name) > 100:
        raise InvalidInput("下级地区名称不能为空,最多100个字", field="name")
    if not (len(code) == 6 and code.isdigit()):
        raise InvalidInput(f"地区代码「{code[:10]}」应为6位数字", field="code")
    public = keys.parse_public(key_text)
    if public.code != code:
        raise InvalidInput(f"密钥文件是{public.name}({public.code})的,与登记的代码{code}不符", field="key")
    own_name, own_code = _own_region(tx.conn)
    if code == own_code:
        raise StateRefused(f"{code}是本台账({own_name})自己的代码,不能登记为下级地区", field="code")
    own = rows(tx.conn, "SELECT sign_public FROM book_keys WHERE id = 1")
    if own and bytes(own[0][0]) == public.sign_public:
        raise StateRefused("这是本台账自己的公钥,不能登记为下级地区的公钥", field="key")
    held = rows(tx.conn, "SELECT name FROM subregions WHERE code = :c OR name = :n", {"c": code, "n": name})
    if held:
        raise StateRefused(f"下级地区{held[0][0]}({code})已登记;不能重复登记", field="code")
    change = tx.record(Op.REGION_REGISTER, unit_id=None, unit_name=name, effective_on=tx.today,
                       after={"code": code, "name": name, "fingerprint": public.fingerprint},
                       detail={"name": name, "code": code, "fingerprint": public.fingerprint}, result=code)
    tx.conn.execute(_insert("subregions", ("code", "name", "sign_alg", "sign_public", "enc_alg", "enc_public",
                                           "fingerprint", "registered_at", "ledger_seq")),
                    {"code": code, "name": name, "sign_alg": public.sign_alg, "sign_public": public.sign_public,
                     "enc_alg": public.enc_alg, "enc_public": public.enc_public, "fingerprint": public.fingerprint,
                     "registered_at": tx.clock().isoformat(timespec="seconds"), "ledger_seq": change.seq})
    return change


def _insert(table: str, columns: tuple[str, ...]) -> Any:
    from sqlalchemy import text

    return text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")


class RegionsArea(Area):
    """Subordinate regions (下级地区) of a city book."""

    name = "regions"

    @operation(Permission.ESTABLISH, reviewed=True)
    def register(self, *, name: str, code: str, key_text: str) -> Change:
        """Register a subordinate region with its `package key` text; see `register_region` for what it refuses."""
        return self._run(register_region, name=name, code=code, key_text=key_text)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What `import_package` did: ``imported`` (one ledger entry, ``seq``) or not (``unchanged``)."""

    imported: bool
    region: str
    code: str
    as_of: str
    head_seq: int
    persons: int
    seq: int = 0


@dataclass(frozen=True, slots=True)
class _Checked:
    region_id: int
    name: str
    code: str
    raw: fileformat.RawPackage
    figures: dict[str, Any]
    persons: list[dict[str, Any]]


def _refuse(why: str) -> InvalidInput:
    return InvalidInput(f"数据包无效:{why};未作任何改动", field="file")


def _check_manifest(manifest: dict[str, Any], own_fingerprint: str, registered: dict[str, Any]) -> None:
    algorithms = manifest.get("algorithms") or {}
    if (algorithms.get("signature"), algorithms.get("key_agreement"), algorithms.get("kdf")) != (
            keys.SIGN_ALG, keys.ENC_ALG, fileformat.KDF) or algorithms.get("cipher") not in CIPHERS:
        raise _refuse(f"算法{algorithms}本程序不支持")
    if (manifest.get("recipient") or {}).get("fingerprint") != own_fingerprint:
        raise _refuse("它不是发给本台账的(接收方公钥指纹不符)")
    if (manifest.get("sender") or {}).get("fingerprint") != registered["fingerprint"]:
        raise _refuse(f"发送方公钥指纹与{registered['name']}登记的不符")
    try:
        dt.date.fromisoformat(str(manifest.get("as_of")))
        head = manifest["ledger_head"]
        int(head["seq"])
        bytes.fromhex(str(head["hash"]))
    except (KeyError, TypeError, ValueError):
        raise _refuse("清单的截至日期或台账头不完整") from None


def _check_content(manifest: dict[str, Any], content: dict[str, Any], key: bytes, cipher: str,
                   personal: PersonalKeys) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The figures and the persons (re-sealed under this book's keys) of a verified package; refuses content
    that contradicts itself: counts, totals, or a unit's used figure against its persons, or an ID number that
    does not open or does not match its clear part."""
    try:
        units, roster, approvals = content["units"], content["roster"], content["approvals"]
        kinds = [k["code"] for k in content["kinds"]]
        counts = manifest["counts"]
        if (counts["units"], counts["persons"], counts["approvals"]) != (len(units), len(roster), len(approvals)):
            raise _refuse("清单中的单位数、人数或用编核准数与内容不符")
        if manifest.get("totals") != build.totals(units, kinds):
            raise _refuse("清单中的合计与各单位的数字不符")
        used: dict[tuple[int, str], int] = {}
        for p in roster:
            used[(int(p["unit_id"]), str(p["kind"]))] = used.get((int(p["unit_id"]), str(p["kind"])), 0) + 1
        for u in units:
            for kind in kinds:
                if int(u["quota"][kind]["used"]) != used.pop((int(u["id"]), kind), 0):
                    raise _refuse(f"单位「{u['name']}」的{kind}实有人数与名册人数不符")
        if used:
            raise _refuse("名册中有人员不属于清单中的任何单位")
        aad = build.id_aad(manifest["region"]["code"])
        persons = []
        for p in roster:
            number = unseal(cipher, key, base64.b64decode(p["id"], validate=True), aad).decode("ascii")
            clear = clear_columns(number)
            if (clear["id_region"], clear["id_tail"], clear["gender"], clear["birth_year"]) != (
                    p["id_region"], p["id_tail"], p["gender"], p["birth_year"]):
                raise _refuse(f"名册中{mask(p['id_region'], p['id_tail'])}的明文部分与加密的身份证号不符")
            persons.append({"name": str(p["name"])[:100], **personal.person_columns(number),
                            "unit": str(p["unit"])[:200], "kind": str(p["kind"])[:10],
                            "post": str(p["post"])[:10] if p.get("post") else None,
                            "entered_on": str(p["entered_on"])[:10]})
    except CryptoError:
        raise _refuse("名册中的身份证号无法用本台账的密钥解开") from None
    except InvalidInput:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error, UnicodeDecodeError, AssertionError):
        raise _refuse("内容的格式不对") from None
    figures = {"kinds": content["kinds"], "post_kinds": content.get("post_kinds", []), "pool": content["pool"],
               "units": units, "approvals": approvals, "totals": manifest["totals"]}
    return figures, persons


class PackagesArea:
    """Data packages (数据上报) of this book: its public keys, export to a city, import from a county."""

    def __init__(self, book: Book):
        self._book = book

    def _keys(self, *, create: bool) -> keys.BookKeys:
        book = self._book
        personal = book.people.keys()
        with book.read() as conn:
            found = keys.load(conn, personal)
        if found is not None or not create:
            if found is None:
                raise StateRefused("本台账还没有数据包密钥:还没有给出过公钥(package key),"
                                   "不可能收到发给它的数据包", field="key")
            return found
        with book.transact() as tx:
            return keys.load(tx.conn, personal) or keys.create(tx.conn, personal, book.clock())

    def public_keys(self) -> keys.PublicKeys:
        """This book's public keys (made on first use, their private parts sealed under the data key). Refuses
        (NotSignedIn) without a signed-in key, (StateRefused) a book without its region."""
        book = self._book
        book.require(Permission.READ)
        own = self._keys(create=True)
        with book.read() as conn:
            name, code = _own_region(conn)
        return own.public(name, code)

    def export(self, *, path: str | os.PathLike[str], to_key_text: str, as_of: dt.date | None = None,
               carry: list[str | os.PathLike[str]] | None = None) -> dict[str, Any]:
        """Write a signed package of this region's figures and roster for the book whose public keys are
        ``to_key_text``; writes an `export` event first. Returns the manifest. A city's package carries the
        files ``carry`` of its counties' held packages unchanged (see `carry.carried_entries`). Refuses a bad key
        text, a day before the book's first entry or after today, an unwritable file, a carried file that is not
        a held package (InvalidInput); a missing folder or file (NotFound); a key that is this book's own
        (StateRefused)."""
        from bianzhi_app.accounts import seclog
        from bianzhi_app.packages.carry import carried_entries
        from bianzhi_app.queries import check_as_of

        book = self._book
        book.require(Permission.STAFF)
        personal = book.people.keys()
        to = keys.parse_public(to_key_text)
        folder = os.path.dirname(os.path.abspath(os.fspath(path)))
        if not os.path.isdir(folder):
            raise NotFound(f"数据包的目标文件夹不存在:{folder}", field="file")
        if as_of is not None and as_of > book.clock().date():
            raise InvalidInput(f"截至日期{as_of.isoformat()}晚于今天:数据包只能报已发生的数字", field="date")
        if as_of is not None:
            with book.read() as conn:
                check_as_of(conn, as_of)
        carried: list[dict[str, Any]] = []
        if carry:
            with book.read() as conn:
                carried = carried_entries(conn, list(carry))
        own = self._keys(create=True)  # after every check of the arguments: a refusal makes no keys
        if to.sign_public == own.sign_public:
            raise StateRefused("接收方公钥是本台账自己的:数据包应发给上级(市)台账的公钥", field="key")
        with book.read() as conn:
            manifest, content = build.build(conn, book.catalog, personal, own, to, as_of, book.clock(), carried)
        by = book.account.name if book.account is not None else book.actor
        with book.transact() as tx:
            seclog.append(tx.conn, account=by, event=Event.EXPORT, at=book.clock(), detail={
                "what": "package", "file": os.path.basename(os.fspath(path)), "to": f"{to.name}({to.code})",
                "as_of": manifest["as_of"], "units": manifest["counts"]["units"],
                "persons": manifest["counts"]["persons"], "approvals": manifest["counts"]["approvals"],
                **({"carried": [c["region"]["code"] for c in carried]} if carried else {})})
        try:
            fileformat.write(path, manifest, content, own.sign_private)
        except OSError as error:
            raise InvalidInput(f"无法写入数据包「{os.fspath(path)}」:{error.strerror or error}", field="file") from None
        return manifest

    def verify(self, path: str | os.PathLike[str]) -> _Checked:
        """Read and verify a package completely without writing: registered sender, signature, recipient,
        content (see `_check_content`). Refuses (InvalidInput) anything that fails; (NotFound) a missing file."""
        book = self._book
        book.require(Permission.READ)
        personal = book.people.keys()
        raw = fileformat.read(path)
        region = raw.manifest.get("region") or {}
        code = str(region.get("code", ""))[:6]
        with book.read() as conn:
            found = rows(conn, "SELECT id, name, sign_public, fingerprint FROM subregions WHERE code = :c",
                         {"c": code})
            own = keys.load(conn, personal)
        if not found:
            raise InvalidInput(f"数据包来自未登记的地区{str(region.get('name', ''))[:40]}({code}):"
                               "须先登记(region add);未作任何改动", field="file")
        region_id, name, sign_public, fingerprint = found[0]
        if own is None:
            raise _refuse("本台账还没有数据包密钥,不可能是发给它的")
        content = fileformat.verify(raw, bytes(sign_public), f"{name}({code})")
        manifest = raw.manifest
        _check_manifest(manifest, keys.fingerprint(own.sign_public, own.enc_public),
                        {"name": name, "fingerprint": fingerprint})
        try:
            ephemeral = base64.b64decode(manifest["ephemeral_public"], validate=True)
            shared = own.enc_private.exchange(keys.recipient(ephemeral))
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise _refuse("清单中的临时公钥无效") from None
        key = fileformat.id_key(shared, ephemeral, own.enc_public)
        figures, persons = _check_content(manifest, content, key, manifest["algorithms"]["cipher"], personal)
        return _Checked(int(region_id), str(name), code, raw, figures, persons)

    def carried(self, path: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """The counties' packages a city's package carries, after the city's package and then each of them
        verified (see `carry.verify_carried`); nothing is written. Refuses (InvalidInput) what `verify` refuses
        and a carried package that does not verify."""
        from bianzhi_app.packages.carry import verify_carried

        checked = self.verify(path)
        return verify_carried(checked.raw.manifest, json.loads(checked.raw.content_bytes.decode("utf-8")))

    def import_package(self, path: str | os.PathLike[str]) -> ImportResult:
        """Take a county's package into this (city) book: verified completely first (`verify`); the same
        package again, or one with the same as-of day and ledger head, changes nothing; a newer one replaces the
        held one as ONE ledger entry and its head is kept as an anchor of the county's chain. Refuses
        (InvalidInput, nothing changed): an unregistered region, a tampered file, an older package than held, a
        head that contradicts an anchor already held (the county's chain was rewritten)."""
        book = self._book
        book.require(Permission.STAFF)
        checked = self.verify(path)
        manifest = checked.raw.manifest
        as_of, seq = str(manifest["as_of"]), int(manifest["ledger_head"]["seq"])
        head = str(manifest["ledger_head"]["hash"])
        result = ImportResult(False, checked.name, checked.code, as_of, seq, len(checked.persons))
        if self._held_same(checked, as_of, seq, head):
            return result
        with book.transact() as tx:
            if self._held_same(checked, as_of, seq, head, conn=tx.conn):
                return result
            change = self._replace(tx, checked, as_of, seq, head)
        return ImportResult(True, checked.name, checked.code, as_of, seq, len(checked.persons), change.seq)

    def _held_same(self, checked: _Checked, as_of: str, seq: int, head: str, conn: Any = None) -> bool:
        """True when the held package is this one (or says the same); refuses an older or contradicting one."""
        if conn is None:
            with self._book.read() as reader:
                return self._held_same(checked, as_of, seq, head, conn=reader)
        held = rows(conn, "SELECT as_of, head_seq, head_hash, digest FROM region_packages WHERE region_id = :r",
                    {"r": checked.region_id})
        anchors = rows(conn, "SELECT head_hash FROM region_anchors WHERE region_id = :r AND head_seq = :s",
                       {"r": checked.region_id, "s": seq})
        if any(str(a[0]) != head for a in anchors):
            raise _refuse(f"{checked.name}台账第{seq}条的哈希与此前收到的不同:其台账被改写过")
        if not held:
            return False
        held_as_of, held_seq, held_hash, digest = str(held[0][0]), int(held[0][1]), str(held[0][2]), str(held[0][3])
        if digest == checked.raw.digest or (held_as_of, held_seq, held_hash) == (as_of, seq, head):
            return True
        if (as_of, seq) < (held_as_of, held_seq) or seq < held_seq:
            raise _refuse(f"它比已收到的{checked.name}数据包旧(已有截至{held_as_of}、台账第{held_seq}条;"
                          f"此包截至{as_of}、第{seq}条)")
        return False

    def _replace(self, tx: Tx, checked: _Checked, as_of: str, seq: int, head: str) -> Change:
        from sqlalchemy import text

        conn = tx.conn
        before = rows(conn, "SELECT as_of, head_seq, head_hash, figures FROM region_packages WHERE region_id = :r",
                      {"r": checked.region_id})
        before_state = ({"as_of": before[0][0], "ledger_head": {"seq": before[0][1], "hash": before[0][2]},
                         "totals": json.loads(before[0][3])["totals"]} if before else {})
        after = {"as_of": as_of, "ledger_head": {"seq": seq, "hash": head}, "totals": checked.figures["totals"]}
        change = tx.record(Op.REGION_PACKAGE, unit_id=None, unit_name=checked.name, effective_on=tx.today,
                           before=before_state, after=after,
                           detail={"name": checked.name, "code": checked.code, "as_of": as_of,
                                   "digest": checked.raw.digest, "persons": len(checked.persons),
                                   "units": len(checked.figures["units"])}, result=checked.code)
        stamp = tx.clock().isoformat(timespec="seconds")
        conn.execute(text("DELETE FROM region_persons WHERE region_id = :r"), {"r": checked.region_id})
        conn.execute(text("DELETE FROM region_packages WHERE region_id = :r"), {"r": checked.region_id})
        conn.execute(_insert("region_packages", ("region_id", "as_of", "head_seq", "head_hash", "digest", "manifest",
                                                 "figures", "imported_at", "ledger_seq")),
                     {"region_id": checked.region_id, "as_of": as_of, "head_seq": seq, "head_hash": head,
                      "digest": checked.raw.digest, "manifest": checked.raw.manifest_bytes.decode("utf-8"),
                      "figures": canonical_json(checked.figures), "imported_at": stamp, "ledger_seq": change.seq})
        conn.execute(_insert("region_anchors", ("region_id", "as_of", "head_seq", "head_hash", "digest",
                                                "ledger_seq")),
                     {"region_id": checked.region_id, "as_of": as_of, "head_seq": seq, "head_hash": head,
                      "digest": checked.raw.digest, "ledger_seq": change.seq})
        if checked.persons:
            conn.execute(_insert("region_persons", ("region_id", "name", "id_region", "id_tail", "gender",
                                                    "birth_year", "id_cipher", "id_hash", "unit", "kind", "post",
                                                    "entered_on")),
                         [{**p, "region_id": checked.region_id} for p in checked.persons])
        return change

    # --- the city's view ------------------------------------------------------------------------------------

    def by_region(self) -> dict[str, Any]:
        """`status --by-region`: per registered region its held package's as-of day, the county's ledger head and
        totals per kind (approved, used, reserved, vacancy, overage); their sum as ``total``; the city's own units
        (市本级) as ``own``. A region without a package yet has ``as_of`` None and zeros."""
        from bianzhi_app.queries.regions import region_figures

        book = self._book
        book.require(Permission.READ)
        with book.read() as conn:
            return region_figures(conn, book.catalog)

    def region_figures(self, code: str) -> dict[str, Any]:
        """The held package's figures of one region (pools, units with quotas and posts, approvals, totals) with
        its as-of day and ledger head; refuses (NotFound) a region not registered or without a package."""
        book = self._book
        book.require(Permission.READ)
        with book.read() as conn:
            found = rows(conn, "SELECT r.name, p.as_of, p.head_seq, p.head_hash, p.figures FROM subregions r"
                               " JOIN region_packages p ON p.region_id = r.id WHERE r.code = :c", {"c": code})
        if not found:
            raise NotFound(f"没有下级地区{code}的数据包(未登记或尚未导入)", field="region")
        name, as_of, seq, head, figures = found[0]
        return {"name": name, "code": code, "as_of": as_of, "ledger_head": {"seq": seq, "hash": head},
                **json.loads(figures)}

    def duplicates(self) -> list[dict[str, Any]]:
        """Persons on establishment in more than one region (the subordinate regions' held rosters and this book's
        own persons), matched on this book's keyed hash; ID numbers masked."""
        book = self._book
        book.require(Permission.READ)
        with book.read() as conn:
            _own_name, own_code = _own_region(conn)
            places = ("SELECT x.id_hash AS h, r.code AS code, x.unit AS unit, x.name AS name, x.id_region AS ir,"
                      " x.id_tail AS it FROM region_persons x JOIN subregions r ON r.id = x.region_id"
                      " UNION ALL SELECT p.id_hash, :own, u.name, p.name, p.id_region, p.id_tail FROM persons p"
                      " JOIN staffing_periods s ON s.person_id = p.id AND s.end_date IS NULL"
                      " JOIN units u ON u.id = s.unit_id")
            found = rows(conn, f"SELECT a.h, a.code, a.unit, a.name, a.ir, a.it FROM ({places}) AS a WHERE a.h IN"
                               f" (SELECT b.h FROM ({places}) AS b GROUP BY b.h HAVING count(DISTINCT b.code) > 1)"
                               " ORDER BY a.ir, a.it, a.h, a.code", {"own": own_code})
        result: list[dict[str, Any]] = []
        index: dict[bytes, dict[str, Any]] = {}
        for h, code, unit, name, id_region, id_tail in found:
            entry = index.get(bytes(h))
            if entry is None:
                entry = index[bytes(h)] = {"name": name, "id_number": mask(id_region, id_tail), "places": []}
                result.append(entry)
            entry["places"].append({"region_code": code, "unit": unit, "name": name})
        return result
