"""Sixteen processes race for three vacancies: exactly three get in, the rest are refused by the rule."""

import os
import subprocess
import sys

from bookhelpers import DOC, PASSWORD, ROOT, TEST_USER, person_id


def test_sixteen_processes_three_vacancies(region, db_path):
    region.ok("unit", "add", "区司法局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", DOC)
    region.ok("quota", "set", "区司法局", "xz", "5", "--doc", DOC)
    for i in range(2):
        region.ok("person", "enter", "区司法局", "xz", "--name", f"在编{i}", "--id", person_id(i))
    go = db_path.parent / "go"
    # Each process waits for the same file so that all sixteen try at once.
    script = ("import os, sys, time\n"
              f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
              "sys.argv = ['main.py'] + sys.argv[1:]\n"
              "import runpy; runpy.run_path('main.py', run_name='__main__')\n")
    env = dict(os.environ, BIANZHI_BUSY_TIMEOUT_MS="60000", BIANZHI_USER=TEST_USER, BIANZHI_PASSWORD=PASSWORD)
    procs = [subprocess.Popen([sys.executable, "-c", script, "--db", str(db_path), "person", "enter", "区司法局", "xz",
                               "--name", f"竞争者{i}", "--id", person_id(100 + i)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(16)]
    import time

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
