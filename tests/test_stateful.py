"""Random sequences of operations never break an invariant; counters always equal a recount."""

import datetime as dt
import tempfile
from pathlib import Path

from bookhelpers import fingerprint, person_id
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bianzhi_app.book import Book
from bianzhi_app.check import run_check
from bianzhi_app.errors import BianzhiError
from bianzhi_app.ops import approvals, posts, quotas, region, staff, units
from bianzhi_app.queries import status

DOC = "杨编发〔2026〕5号"
UNITS = ["甲局", "乙局", "丙中心"]
KINDS = ["xz", "sy"]
PEOPLE = list(range(12))


class BookMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "book.db"
        self.book = Book.open(self.path, actor="hypothesis")
        start = dt.date.today() - dt.timedelta(days=60)
        with self.book.transact() as tx:
            region.init_region(tx, name="测试区", code="610403", on=start)
            for kind in KINDS:
                region.set_pool(tx, kind, 12, doc=DOC, on=start)
            for i, name in enumerate(UNITS):
                units.add_unit(tx, name, category="政府工作部门", rank="正科", doc=DOC, on=start,
                               requires_approval=(i == 0))
        self.approval_numbers: list[str] = []
        self.refusals = 0

    def teardown(self):
        self.book.close()
        self.dir.cleanup()

    def attempt(self, function, *args, **kwargs):
        """Run an op; a refusal must leave the file byte-for-byte unchanged in content."""
        before = fingerprint(self.path)
        try:
            change = self.book.run(function, *args, **kwargs)
        except BianzhiError as error:
            assert fingerprint(self.path) == before, f"refused {function.__name__} changed the book: {error}"
            self.refusals += 1
            return None
        return change

    @rule(unit=st.sampled_from(UNITS), kind=st.sampled_from(KINDS), n=st.integers(0, 8), allowance=st.booleans())
    def set_quota(self, unit, kind, n, allowance):
        self.attempt(quotas.set_quota, unit, kind, n, doc=DOC, as_allowance=allowance)

    @rule(a=st.sampled_from(UNITS), b=st.sampled_from(UNITS), kind=st.sampled_from(KINDS), n=st.integers(1, 3))
    def transfer_quota(self, a, b, kind, n):
        self.attempt(quotas.transfer_quota, a, b, kind, n, doc=DOC)

    @rule(kind=st.sampled_from(KINDS), n=st.integers(0, 20))
    def set_pool(self, kind, n):
        self.attempt(region.set_pool, kind, n, doc=DOC)

    @rule(unit=st.sampled_from(UNITS), kind=st.sampled_from(KINDS), n=st.integers(1, 3))
    def add_approval(self, unit, kind, n):
        change = self.attempt(approvals.add_approval, unit, kind, n, method="公开招聘", doc=DOC)
        if change:
            self.approval_numbers.append(change.result)

    @rule(data=st.data())
    def cancel_approval(self, data):
        if self.approval_numbers:
            self.attempt(approvals.cancel_approval, data.draw(st.sampled_from(self.approval_numbers)))

    @rule(unit=st.sampled_from(UNITS), kind=st.sampled_from(KINDS), who=st.sampled_from(PEOPLE))
    def enter(self, unit, kind, who):
        self.attempt(staff.enter_person, unit, kind, name=f"人{who}", id_number=person_id(who))

    @rule(who=st.sampled_from(PEOPLE), reason=st.sampled_from(["退休", "辞职"]))
    def leave(self, who, reason):
        self.attempt(staff.leave_person, person_id(who), reason=reason)

    @rule(who=st.sampled_from(PEOPLE), unit=st.sampled_from(UNITS), kind=st.sampled_from(KINDS))
    def transfer(self, who, unit, kind):
        self.attempt(staff.transfer_person, person_id(who), unit, kind=kind)

    @rule(who=st.sampled_from(PEOPLE), kind=st.sampled_from(KINDS))
    def change_kind(self, who, kind):
        self.attempt(staff.change_kind, person_id(who), kind)

    @rule(unit=st.sampled_from(UNITS), post=st.sampled_from(["zz", "fz"]), n=st.integers(0, 2))
    def set_posts(self, unit, post, n):
        self.attempt(quotas.set_post_limit, unit, post, n, doc=DOC)

    @rule(who=st.sampled_from(PEOPLE), post=st.sampled_from(["zz", "fz"]))
    def appoint(self, who, post):
        self.attempt(posts.appoint, person_id(who), post)

    @rule(who=st.sampled_from(PEOPLE))
    def dismiss(self, who):
        self.attempt(posts.dismiss, person_id(who))

    @invariant()
    def counters_equal_a_recount_and_the_chain_holds(self):
        with self.book.read() as conn:
            report = run_check(conn, self.book.catalog, full_integrity=False)
            assert report.ok, report.problems
            current = status(conn, self.book.catalog)
            rebuilt = status(conn, self.book.catalog, as_of=dt.date.today())
        for unit in current["units"]:
            for q in unit["quota"].values():
                assert q["used"] + q["reserved"] <= q["approved"] + q["allowance"]
                assert q["allowance"] <= max(0, q["used"] + q["reserved"] - q["approved"])
            for p in unit["posts"].values():
                assert p["used"] <= p["limit"] + p["allowance"]
        for pool in current["pool"].values():
            assert 0 <= pool["allocated"] <= pool["total"]
        rebuilt.pop("as_of_ledger_head")
        assert rebuilt == current, "history does not rebuild today's figures"


BookMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
test_random_operations_keep_every_invariant = BookMachine.TestCase
