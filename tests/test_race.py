"""Concurrent writers, on a file and on the server: sixteen processes race for three vacancies (exactly three get
in, the rest are refused by the rule with fresh figures), and on the server sixteen clients enter a hundred persons
each with no count lost or doubled, no deadlock or raw database error, and the ledger chain unforked."""

import os
import subprocess
import sys
import time

import pytest
from bookhelpers import DOC, PASSWORD, ROOT, TEST_USER, Raw, person_id


def _start_together(go, argv_list, env):
    # Each process waits for the same file so that all of them try at once.
    script = ("import os, sys, time\n"
              f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
              "sys.argv = ['main.py'] + sys.argv[1:]\n"
              "import runpy; runpy.run_path('main.py', run_name='__main__')\n")
    return [subprocess.Popen([sys.executable, "-c", script, *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for argv in argv_list]


@pytest.mark.both_backends
def test_sixteen_processes_three_vacancies(region, db_path, tmp_path):
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "5", "--doc", DOC)
    for i in range(2):
        region.ok("person", "enter", "区司法局", "xz", "--name", f"在编{i}", "--id", person_id(i))
    go = tmp_path / "go"
    env = dict(os.environ, BIANZHI_BUSY_TIMEOUT_MS="60000", BIANZHI_USER=TEST_USER, BIANZHI_PASSWORD=PASSWORD)
    procs = _start_together(go, [["--db", str(db_path), "person", "enter", "区司法局", "xz", "--name", f"竞争者{i}",
                                  "--id", person_id(100 + i)] for i in range(16)], env)
    time.sleep(1.5)  # let every interpreter start and import
    go.touch()
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0] * 3 + [3] * 13, results
    for code, err in results:
        assert "locked" not in err and "Traceback" not in err
        if code == 3:
            assert err.strip() == "区司法局 行政编制 核定5名,实有5名,在途0名,无空编,不能入编"
    q = region.json("status", "--unit", "区司法局")["units"][0]["quota"]["xz"]
    assert (q["used"], q["vacancy"]) == (5, 0)
    assert region.json("check")["ok"]


CLIENT = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
import os, time
from bookhelpers import signed_in, person_id
from bianzhi_app.errors import BianzhiError
client = int(sys.argv[1])
book = signed_in({db!r})
while not os.path.exists({go!r}):
    time.sleep(0.005)
done = refused = 0
for i in range({entries}):
    unit = "甲局" if i % 2 else "乙局"
    try:
        book.staff.enter(unit=unit, kind="xz", name=f"客户{{client}}人{{i}}", id_number=person_id(i, 1960 + client))
        done += 1
    except BianzhiError as error:
        refused += 1
        print(error.message, file=sys.stderr)
book.close()
print(done, refused)
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # a file's writers queue on SQLite's lock
def test_sixteen_clients_a_hundred_entries_each(region, db_path, tmp_path):
    clients, entries = 16, 100
    for unit in ("甲局", "乙局"):
        region.ok("unit", "add", unit, "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
                  "--doc", DOC)
    region.ok("pool", "set", "xz", "2000", "--doc", DOC)
    region.ok("quota", "set", "甲局", "xz", str(clients * entries // 2), "--doc", DOC)
    region.ok("quota", "set", "乙局", "xz", str(clients * entries // 2), "--doc", DOC)
    with Raw(db_path) as raw:
        head_before = raw.execute("SELECT MAX(seq) FROM ledger").fetchone()[0]
    go = tmp_path / "go"
    env = dict(os.environ, BIANZHI_BUSY_TIMEOUT_MS="120000")
    script = CLIENT.format(root=str(ROOT), tests=str(ROOT / "tests"), db=str(db_path), go=str(go), entries=entries)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(c)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for c in range(clients)]
    time.sleep(2)
    go.touch()
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert code == 0 and out.split() == [str(entries), "0"], (code, out, err)
    with Raw(db_path) as raw:
        # the 行政 rows only: a unit has a row per kind, and the server returns them in no fixed order
        used = dict(raw.execute("SELECT u.name, q.used FROM quotas q JOIN units u ON u.id = q.unit_id"
                                " JOIN establishment_kinds k ON k.id = q.kind_id WHERE k.code = 'xz'").fetchall())
        seqs = [r[0] for r in raw.execute("SELECT seq FROM ledger WHERE seq > ? ORDER BY seq", (head_before,))]
        open_slots = raw.execute("SELECT COUNT(*) FROM staffing_periods WHERE end_date IS NULL").fetchone()[0]
    assert used["甲局"] == used["乙局"] == clients * entries // 2
    assert open_slots == clients * entries
    assert seqs == list(range(head_before + 1, head_before + 1 + clients * entries))  # one chain, no gap, no fork
    assert region.json("check")["ok"]
