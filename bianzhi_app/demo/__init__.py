# mypy: disable-error-code="misc"
"""A deterministic, realistic demo region, built through the same operations as real work.

`generate(book, scale=..., seed=...)` fills an empty book: departments, institutions, schools
and towns with quotas and post limits (a few at or over quota, with allowance), persons with
realistic names (some rare characters such as 𠮷 and 堃) and valid ID numbers, open
approvals, and a year of history (entries, leaves, transfers, a quota transfer, a rename and
a merge). The same seed on the same day gives the same book.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bianzhi_app.book import Book, BookTx
from bianzhi_app.demo.names import (
    CENTERS,
    GIVEN,
    GOVERNMENT_DEPARTMENTS,
    NUMERALS,
    OTHER_ORGANS,
    PARTY_ORGANS,
    PLACE_FIRST,
    PLACE_SECOND,
    RARE_GIVEN,
    SCHOOL_KINDS,
    SURNAMES,
    TOWN_FIRST,
    TOWN_SECOND,
)
from bianzhi_app.errors import BianzhiError, Cancelled
from bianzhi_app.idcodes import id_check_digit
from bianzhi_app.kernel import Tx
from bianzhi_app.ops.common import find_active_person
from bianzhi_app.ops.posts import AppointRequest
from bianzhi_app.ops.staff import EnterRequest
from bianzhi_app.ops.units import UnitRequest

Progress = Callable[[int, int, str], None]
REFORM_DATE = dt.date(2019, 3, 1)
DEMO_MARK = "(演示)"  # a demo book says so in its region name (and so on every report printed from it)
SCALES = {  # region, code, top prefix, top rank, sub-blocks
    "county": ("杨陵区", "610403"),
    "city": ("咸阳市", "610400"),
    "province": ("陕西省", "610000"),
}
PARENT_KEYWORDS = [("医院", "卫生健康局"), ("疾病", "卫生健康局"), ("妇幼", "卫生健康局"), ("急救", "卫生健康局"),
                   ("卫生监督", "卫生健康局"), ("学", "教育局"), ("幼儿园", "教育局"), ("教", "教育局"),
                   ("农", "农业农村局"), ("动物", "农业农村局"), ("水利", "水利局"), ("林业", "林业局"),
                   ("文化馆", "文化和旅游局"), ("图书馆", "文化和旅游局"), ("社会保险", "人力资源和社会保障局"),
                   ("就业", "人力资源和社会保障局"), ("不动产", "自然资源局"), ("市场监管", "市场监督管理局"),
                   ("城市管理", "城市管理局"), ("环境卫生", "城市管理局"), ("园林", "住房和城乡建设局"),
                   ("住房公积金", "住房和城乡建设局"), ("财政", "财政局"), ("公证", "司法局"),
                   ("退役军人", "退役军人事务局"), ("应急", "应急管理局"), ("统计", "统计局"),
                   ("政务服务", "行政审批服务局"), ("机关事务", "政府办公室"), ("档案", "委办公室"),
                   ("融媒体", "委宣传部"), ("气象", "政府办公室")]


@dataclass
class UnitPlan:
    name: str
    category: str
    rank: str
    funding: str | None
    parent: str | None
    quotas: dict[str, int]
    posts: dict[str, int]
    id_prefix: str
    fill: dict[str, int] = field(default_factory=dict)
    over: dict[str, int] = field(default_factory=dict)


class DemoBuilder:
    def __init__(self, book: Book, scale: str, seed: int, progress: Progress | None,
                 cancelled: Callable[[], bool] | None = None):
        if scale not in SCALES:
            raise BianzhiError(f"未知的规模「{scale}」,可用:county、city、province")
        self.book, self.scale, self.rng = book, scale, random.Random(seed)
        report = progress or (lambda done, total, what: None)

        def progress_or_cancel(done: int, total: int, what: str) -> None:
            # Chunks already written stay: the caller removes a cancelled demo's file.
            if cancelled is not None and cancelled():
                raise Cancelled("已取消生成演示数据")
            report(done, total, what)

        self.progress = progress_or_cancel
        self.today = book.clock().date()
        self.day0 = self.today - dt.timedelta(days=365)
        self.used_ids: set[str] = set()
        self.person_count = 0
        self.used_places: set[str] = set()
        self.doc_no = 0
        self.region_name, self.region_code = SCALES[scale]
        self.short = self.region_name[-1]  # 区 / 市 / 省

    # --- planning -------------------------------------------------------------------------
    def doc(self, year: int | None = None) -> str:
        self.doc_no += 1
        prefix = self.region_name[:2]
        return f"{prefix}编发〔{year or self.today.year}〕{self.doc_no}号"

    def place(self, first: str, second: str, suffix: str, used: set[str] | None = None) -> str:
        """A new place name; `used` scopes uniqueness (towns need only differ within their county)."""
        taken = self.used_places if used is None else used
        while True:
            name = self.rng.choice(first) + self.rng.choice(second) + suffix
            if name not in taken:
                taken.add(name)
                return name

    def block(self, prefix: str, level: str, id_prefix: str, *, counties: bool) -> list[UnitPlan]:
        """One government level's units: party organs, departments, other organs, institutions,
        and for a county-level block also towns and schools."""
        rng = self.rng
        factor = {"province": 3.0, "city": 1.8, "county": 1.0}[level]
        dept_rank = {"province": "正厅", "city": "正处", "county": "正科"}[level]
        center_rank = {"province": "正处", "city": "正科", "county": "副科"}[level]
        plans: list[UnitPlan] = []

        def scaled(kinds: dict[str, int]) -> dict[str, int]:
            return {k: max(1, round(v * factor * rng.uniform(0.8, 1.25))) for k, v in kinds.items()}

        def admin_posts(kind_total: int) -> dict[str, int]:
            return {"zz": 1, "fz": min(4, max(1, kind_total // 6)), "nz": max(1, kind_total // 5),
                    "nf": max(0, kind_total // 10)}

        for suffix, category, kinds in PARTY_ORGANS:
            q = scaled(kinds)
            plans.append(UnitPlan(prefix + suffix, category, dept_rank, "全额拨款", None, q,
                                  admin_posts(sum(q.values())), id_prefix))
        for suffix, kinds in GOVERNMENT_DEPARTMENTS:
            q = scaled(kinds)
            plans.append(UnitPlan(prefix + suffix, "政府工作部门", dept_rank, "全额拨款", None, q,
                                  admin_posts(sum(q.values())), id_prefix))
        for suffix, category, kinds in OTHER_ORGANS:
            q = scaled(kinds)
            plans.append(UnitPlan(prefix + suffix, category, dept_rank, "全额拨款", None, q,
                                  admin_posts(sum(q.values())), id_prefix))
        dept_names = {p.name.removeprefix(prefix): p.name for p in plans}

        def parent_of(name: str) -> str | None:
            for keyword, dept in PARENT_KEYWORDS:
                if keyword in name:
                    return dept_names.get(dept) or next((v for k, v in dept_names.items() if k.endswith(dept)),
                                                        None)
            return None

        for suffix, approved in CENTERS:
            funding = rng.choice(("全额拨款", "全额拨款", "差额拨款")) if "医院" not in suffix else "差额拨款"
            q = {"sy": max(2, round(approved * factor * rng.uniform(0.7, 1.3)))}
            plans.append(UnitPlan(prefix + suffix, "事业单位", center_rank, funding, parent_of(suffix), q,
                                  {"zz": 1, "fz": 2 if q["sy"] > 30 else 1}, id_prefix))
        if counties:
            towns: set[str] = set()
            for _ in range(10):
                town = self.place(TOWN_FIRST, TOWN_SECOND, "", towns)
                if rng.random() < 0.3:
                    name, kinds = f"{prefix}{town}街道办事处", {"xz": 28, "sy": 15}
                else:
                    name, kinds = f"{prefix}{town}镇人民政府", {"xz": 32, "sy": 22}
                q = scaled(kinds)
                plans.append(UnitPlan(name, "乡镇(街道)", "正科", "全额拨款", None, q,
                                      {"zz": 2, "fz": 5, "nz": 4, "nf": 2}, id_prefix))
                school = {"sy": max(8, round(40 * rng.uniform(0.6, 1.4)))}
                plans.append(UnitPlan(f"{prefix}{town}中心小学", "事业单位", "未定级", "全额拨款",
                                      dept_names.get("教育局"), school, {"zz": 1, "fz": 1}, id_prefix))
            schools = 45
        else:
            schools = 20
        counters: dict[str, int] = {}
        for i in range(schools):
            kind, approved = SCHOOL_KINDS[i % len(SCHOOL_KINDS)]
            counters[kind] = counters.get(kind, 0) + 1
            n = counters[kind]
            label = f"第{NUMERALS[n - 1]}" if n <= 10 else f"第{n}"
            if kind == "实验小学":
                name = f"{prefix}实验小学" + ("" if n == 1 else f"{n}校区")
            else:
                name = f"{prefix}{label}{kind}"
            q = {"sy": max(10, round(approved * rng.uniform(0.7, 1.3)))}
            plans.append(UnitPlan(name, "事业单位", "未定级", "全额拨款", dept_names.get("教育局"), q,
                                  {"zz": 1, "fz": 2}, id_prefix))
        return plans

    def plan(self) -> list[UnitPlan]:
        top = self.short  # 区 / 市 / 省
        if self.scale == "county":
            plans = self.block(top, "county", self.region_code, counties=True)
        elif self.scale == "city":
            plans = self.block(top, "city", self.region_code, counties=False)
            for i in range(22):
                name = self.place(PLACE_FIRST, PLACE_SECOND, self.rng.choice("县区"))
                plans += self.block(name, "county", f"6104{i + 2:02d}", counties=True)
        else:
            plans = self.block(top, "province", self.region_code, counties=False)
            for c in range(10):
                city = self.place(PLACE_FIRST, PLACE_SECOND, "市")
                plans += self.block(city, "city", f"61{c + 1:02d}00", counties=False)
                for i in range(26):
                    name = self.place(PLACE_FIRST, PLACE_SECOND, self.rng.choice("县区"))
                    plans += self.block(name, "county", f"61{c + 1:02d}{i + 1:02d}", counties=True)
        for p in plans:
            roll = self.rng.random()
            for kind, approved in p.quotas.items():
                if roll < 0.03:  # at quota
                    p.fill[kind] = approved
                elif roll < 0.045:  # over quota, kept as an allowance (只出不进)
                    p.over[kind] = max(1, approved // 20)
                    p.fill[kind] = approved + p.over[kind]
                else:
                    p.fill[kind] = max(0, approved - self.rng.randint(1, max(1, approved // 8 + 1)))
        return plans

    # --- persons --------------------------------------------------------------------------
    def person(self, id_prefix: str, entry: dt.date) -> tuple[str, str]:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        self.person_count += 1
        if self.person_count % 400 == 1:  # rare characters appear in every region, 𠮷 and 堃 first
            rare = RARE_GIVEN[(self.person_count // 400) % len(RARE_GIVEN)]
            surname, given = ("𠮷", rng.choice(GIVEN)) if rare == "𠮷" else (surname, rare)
        elif rng.random() < 0.002:
            given = rng.choice(RARE_GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
        else:
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        latest_birth = entry.year - 21
        while True:
            birth = dt.date(rng.randint(max(1962, latest_birth - 35), latest_birth), rng.randint(1, 12),
                            rng.randint(1, 28))
            first17 = f"{id_prefix}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            id_number = first17 + id_check_digit(first17)
            if id_number not in self.used_ids:
                self.used_ids.add(id_number)
                return surname + given, id_number

    def random_day(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    # --- building -------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        plans = self.plan()
        book = self.book
        with book.batch() as b:
            b.region.init(name=self.region_name + DEMO_MARK, code=self.region_code, on=REFORM_DATE,
                          office_name=f"{self.region_name}机构编制委员会办公室")
            totals: dict[str, int] = {}
            for p in plans:
                for kind, approved in p.quotas.items():
                    totals[kind] = totals.get(kind, 0) + approved + p.over.get(kind, 0)
            pool_doc = self.doc(2019)
            for kind, total in totals.items():
                b.region.set_pool(kind=kind, total=round(total * 1.04) + 5, doc=pool_doc, on=REFORM_DATE)
        total_units = len(plans)
        chunk = 500
        for start in range(0, total_units, chunk):
            with book.batch() as b:
                b.units.add_many(requests=[self.unit_request(p) for p in plans[start:start + chunk]])
            self.progress(min(start + chunk, total_units), total_units, "单位")
        persons_total = sum(sum(p.fill.values()) for p in plans)
        done = 0
        for start in range(0, total_units, chunk):
            with book.batch() as b:
                requests = []
                for p in plans[start:start + chunk]:
                    for kind, n in p.fill.items():
                        for _ in range(n):
                            entry = self.random_day(REFORM_DATE, self.day0)
                            name, id_number = self.person(p.id_prefix, entry)
                            requests.append(EnterRequest(p.name, kind, name, id_number, on=entry))
                b.staff.enter_many(requests=requests, initial=True)
                for p in plans[start:start + chunk]:
                    for kind, approved in p.quotas.items():
                        if p.over.get(kind):
                            b.quotas.set(unit=p.name, kind=kind, approved=approved, doc=self.reform_doc,
                                         on=self.day0, as_allowance=True)
                b.posts.appoint_many(requests=self.leaders(b.tx, plans[start:start + chunk]))
                done += len(requests)
            self.progress(done, persons_total, "人员")
        self.history(plans)
        book.approvals.expire_due()
        with book.read() as conn:
            from sqlalchemy import func, select

            from bianzhi_app.db.models import staffing
            from bianzhi_app.ledger import read_head

            on_book = conn.execute(select(func.count()).select_from(staffing)
                                   .where(staffing.c.end_date.is_(None))).scalar_one()
            head = read_head(conn)
        return {"region": self.region_name + DEMO_MARK, "code": self.region_code, "units": total_units,
                "persons": on_book, "ledger_seq": head.seq, "events_skipped": self.skipped}

    @property
    def reform_doc(self) -> str:
        if not hasattr(self, "_reform_doc"):
            self._reform_doc = self.doc(self.day0.year)
        return self._reform_doc

    def unit_request(self, p: UnitPlan) -> UnitRequest:
        return UnitRequest(p.name, p.category, p.rank, self.doc(2019), funding=p.funding, parent=p.parent,
                                 on=REFORM_DATE,
                                 quotas={kind: approved + p.over.get(kind, 0) for kind, approved in p.quotas.items()},
                                 post_limits={post: limit for post, limit in p.posts.items() if limit})

    def leaders(self, tx: Tx, plans: list[UnitPlan]) -> list[AppointRequest]:
        """The first persons of each unit take its posts, in plan order, until a unit runs out of persons."""
        from sqlalchemy import select

        from bianzhi_app.db.models import persons, staffing
        from bianzhi_app.db.models import units as units_t

        requests: list[AppointRequest] = []
        for p in plans:
            ids = tx.conn.execute(select(persons.c.id_cipher).join(staffing, staffing.c.person_id == persons.c.id)
                                  .join(units_t, units_t.c.id == staffing.c.unit_id)
                                  .where(units_t.c.name == p.name, units_t.c.status == "active",
                                         staffing.c.end_date.is_(None))
                                  .order_by(staffing.c.id)).scalars().all()
            pool = list(ids)
            for post, limit in p.posts.items():
                take = limit - (1 if limit > 1 and self.rng.random() < 0.4 else 0)
                for _ in range(take):
                    if not pool:
                        return requests
                    requests.append(AppointRequest(tx.keys().decrypt_id(pool.pop(0)), post, on=self.day0))
        return requests

    def history(self, plans: list[UnitPlan]) -> None:
        """A year of events in date order: approvals and the entries that use them, retirements,
        transfers, a quota transfer, a rename and a merge."""
        rng, book = self.rng, self.book
        events: list[tuple[dt.date, int, Callable[[BookTx], Any]]] = []
        order = 0

        def add(day: dt.date, action: Callable[[BookTx], Any]) -> None:
            nonlocal order
            order += 1
            events.append((day, order, action))

        last_day = self.today - dt.timedelta(days=1)
        with book.read() as conn:
            from sqlalchemy import select

            from bianzhi_app.db.models import persons, staffing
            from bianzhi_app.db.models import units as units_t

            people = conn.execute(select(persons.c.id_cipher, persons.c.birth_year, units_t.c.name)
                                  .join(staffing, staffing.c.person_id == persons.c.id)
                                  .join(units_t, units_t.c.id == staffing.c.unit_id)
                                  .where(staffing.c.end_date.is_(None))).all()
        vacancies = {p.name: {k: p.quotas[k] - p.fill[k] for k in p.quotas} for p in plans if not p.over}
        keys = book.personal
        assert keys is not None  # a demo is built before its accounts: the book's open key
        leavers = rng.sample(people, k=len(people) * 3 // 100)
        for person in leavers:
            reason = "退休" if person.birth_year <= 1966 else rng.choice(("调出", "辞职", "调出", "退休"))
            day = self.random_day(self.day0 + dt.timedelta(days=1), last_day)
            leaver = keys.decrypt_id(person.id_cipher)
            add(day, lambda b, i=leaver, r=reason, d=day: b.staff.leave(id_number=i, reason=r, on=d))
        open_units = [name for name, v in vacancies.items() if any(n >= 2 for n in v.values())]
        for name in rng.sample(open_units, k=len(open_units) // 4):
            kind = max(vacancies[name], key=lambda k: vacancies[name][k])
            count = min(3, vacancies[name][kind] - 1)
            issued = self.random_day(self.day0 + dt.timedelta(days=1), last_day - dt.timedelta(days=20))
            valid = issued + dt.timedelta(days=rng.choice((90, 180, 365)))
            vacancies[name][kind] -= count
            method = "公开招录" if kind in ("xz", "zf") else "公开招聘"
            prefix = next(p.id_prefix for p in plans if p.name == name)
            add(issued, lambda b, n=name, k=kind, c=count, m=method, v=valid, d=issued: b.approvals.add(
                unit=n, kind=k, count=c, method=m, valid_until=v, doc=self.doc(d.year), on=d))
            for _ in range(rng.randint(0, count)):
                day = self.random_day(issued + dt.timedelta(days=15), min(valid, last_day))
                pname, pid = self.person(prefix, day)
                add(day, lambda b, n=name, k=kind, pn=pname, i=pid, d=day: b.staff.enter(
                    unit=n, kind=k, name=pn, id_number=i, on=d))
        movers = rng.sample(people, k=max(1, len(people) // 200))
        for person in movers:
            day = self.random_day(self.day0 + dt.timedelta(days=1), last_day)
            mover = keys.decrypt_id(person.id_cipher)
            add(day, lambda b, i=mover, d=day: self.transfer_somewhere(b, i, d, open_units))
        top = self.short
        by_name = {p.name: p for p in plans if not p.over}
        quota_day = self.random_day(self.day0 + dt.timedelta(days=30), last_day)
        if top + "档案馆" in by_name and top + "融媒体中心" in by_name:
            add(quota_day, lambda b, d=quota_day: b.quotas.transfer(
                source=top + "档案馆", target=top + "融媒体中心", kind="sy", count=1, doc=self.doc(d.year), on=d))
        rename_day = self.random_day(self.day0 + dt.timedelta(days=30), last_day)
        add(rename_day, lambda b, d=rename_day: b.units.rename(
            unit=top + "机关事务服务中心", new_name=top + "机关事务管理服务中心", doc=self.doc(d.year), on=d))
        merge_day = self.random_day(self.day0 + dt.timedelta(days=60), last_day)
        add(merge_day, lambda b, d=merge_day: b.units.merge(
            sources=[top + "文化馆", top + "图书馆"], into=top + "文化馆图书馆服务中心", doc=self.doc(d.year), on=d))
        events.sort(key=lambda e: (e[0], e[1]))
        skipped = 0
        for start in range(0, len(events), 2000):
            with book.batch() as b:
                for _day, _order, action in events[start:start + 2000]:
                    try:
                        with b.savepoint():
                            action(b)
                    except BianzhiError:
                        skipped += 1  # e.g. a leaver chosen twice, or a unit merged away
            self.progress(min(start + 2000, len(events)), len(events), "台账历史")
        self.skipped = skipped

    def transfer_somewhere(self, b: BookTx, id_number: str, day: dt.date, open_units: list[str]) -> Any:
        slot = find_active_person(b.tx, id_number)
        kind = b.tx.catalog.kind_by_id(slot.kind_id).code
        for name in self.rng.sample(open_units, k=min(8, len(open_units))):
            try:
                with b.savepoint():
                    number = str(b.approvals.add(unit=name, kind=kind, count=1, method="调任",
                                                 doc=self.doc(day.year), on=day).result)
            except BianzhiError:
                continue
            return b.staff.transfer(id_number=id_number, unit=name, approval=number, on=day)
        return None


def generate(book: Book, *, scale: str = "county", seed: int = 1, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Fill an empty book with a demo region; returns a summary (region, units, persons, ledger_seq).

    The ledger's recording time is pinned to 09:00 today, so one seed gives one ledger head per day.
    """
    real_clock = book.clock
    recorded = real_clock().replace(hour=9, minute=0, second=0, microsecond=0)
    book.clock = lambda: recorded
    try:
        return DemoBuilder(book, scale, seed, progress, cancelled).build()
    finally:
        book.clock = real_clock
