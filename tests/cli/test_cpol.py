"""cpol as a user runs it: subprocesses on real files (see docs/guide-cli.md)."""
import os
import re
import subprocess
import tempfile
import unittest

CPOL = os.environ["CPOL_BIN"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def cpol(*args, cwd=None, env=None, input=None):
    e = dict(os.environ)
    e.pop("CPOL_KEY_FILE", None)
    if env:
        e.update(env)
    return subprocess.run([CPOL, *args], cwd=cwd, env=e, input=input, capture_output=True, text=True,
                          timeout=300)


class Scratch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="cpol-test-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def ok(self, *args, **kw):
        r = cpol(*args, cwd=self.dir, **kw)
        self.assertEqual(r.returncode, 0, f"cpol {' '.join(args)} failed:\n{r.stderr}")
        return r.stdout


class Demo(Scratch):
    def test_first_run_prints_the_district_report(self):
        out = self.ok("--lang", "en", "demo")
        self.assertTrue(os.path.exists(self.path("cpol-demo.db")), "the demo writes into the current directory")
        self.assertIn("month 1 of the district", out)
        self.assertRegex(out, r"玉龙义警\s+volunteer-police team\s+1\+1\+N\s+1\s+1\s+43\s")
        self.assertRegex(out, r"忙畔社区警务团队\s+volunteer-police team\s+1\+10\+N\s+1\s+0\s+0\s+3\s+4\s+ok")
        self.assertIn("平安管家", out)
        self.assertIn("a retried request charged once: yes", out)
        self.assertRegex(out, r"escalations\s+[1-9]")
        self.assertRegex(out, r"referred out\s+[1-9]")
        self.assertRegex(out, r"closure rate \(closed / received\)\s+\d+\.\d%")
        self.assertRegex(out, r"arrival\s+\d+\s+\d")
        self.assertRegex(out, r"锦凤花园2栋\s+\d+")
        self.assertRegex(out, r"points ledger: intact \([1-9]\d* postings checked\)")
        self.assertRegex(out, r"audit chain: +intact \([1-9]\d* entries")
        # the leaderboard has ten places, each with points
        board = out.split("== Points leaderboard ==")[1].split("==")[0]
        self.assertEqual(len(re.findall(r"^\s+\d+\s+\S+\s+\d+$", board, re.M)), 10, board)

    def test_second_run_plays_the_next_month(self):
        first = self.ok("--db", "d.db", "demo")
        second = self.ok("--db", "d.db", "demo")
        self.assertIn("month 1 ", first)
        self.assertIn("month 2 ", second)
        self.assertIn("2025-07-01 08:00 to 2025-07-31 08:00", second)
        received = lambda out: int(re.search(r"received\s+(\d+)", out).group(1))
        self.assertGreater(received(second), 0)
        # the ledger and chain grew and still verify
        postings = lambda out: int(re.search(r"intact \((\d+) postings", out).group(1))
        self.assertGreater(postings(second), postings(first))

    def test_a_seed_gives_the_same_month(self):
        a = self.ok("--db", "a.db", "demo", "--seed", "7")
        b = self.ok("--db", "b.db", "demo", "--seed", "7")
        c = self.ok("--db", "c.db", "demo", "--seed", "8")
        # ids are random (time-ordered v7) by design; everything else is the seed's
        same = lambda out, name: UUID.sub("ID", out.replace(name, "X"))
        self.assertEqual(same(a, "a.db"), same(b, "b.db"))
        self.assertNotEqual(same(a, "a.db"), same(c, "c.db"))

    def test_chinese_output(self):
        out = self.ok("--lang", "zh", "--db", "z.db", "demo")
        for heading in ("队伍花名册", "积分排行榜", "案件流程漏斗", "办结与化解", "各环节用时", "重复发案地点", "核验"):
            self.assertIn(heading, out)
        self.assertIn("积分账本: 完整", out)

    def test_a_store_with_another_key_is_refused_with_exit_code_9(self):
        subprocess.run([os.environ["TIP_TO_CLOSE_BIN"], self.path("other.db")], check=True, capture_output=True)
        r = cpol("--db", self.path("other.db"), "demo")
        self.assertEqual(r.returncode, 9, r.stderr)
        self.assertIn("CPOL_EKEY", r.stderr)
        self.assertIn("--key-file", r.stderr)


class Report(Scratch):
    def test_the_command_the_demo_prints_gives_the_same_report(self):
        out = self.ok("--lang", "en", "demo")
        hint = out.rstrip().splitlines()[-1].split()
        self.assertEqual(hint[0], "cpol", out)
        self.assertIn(":analyst", hint[4], "the report is read as the analyst, not as the installation")
        report = self.ok("--lang", "en", *hint[1:])
        body = out.split("(seed 20250623)\n", 1)[1].split("\nRun it again", 1)[0]
        body = "\n".join(body.splitlines()[2:])  # past the month's two summary lines
        self.assertEqual(report.strip(), body.strip())

    def test_bad_arguments_are_usage_errors(self):
        self.ok("--db", "d.db", "demo")
        for args in (["report"], ["report", "--area"], ["report", "--area", "x", "--from", "2025-06-01",
                     "--to", "2025-07-01"], ["report", "--bogus", "1"]):
            r = cpol("--db", "d.db", "--as", "system", *args, cwd=self.dir)
            self.assertIn(r.returncode, (2, 3), (args, r.stderr))
            self.assertEqual(r.stdout, "", args)

    def test_a_missing_store_is_not_created(self):
        r = cpol("--db", "none.db", "--as", "system", "report", "--area", "019728c9-c000-7002-a478-d760d605c0c6",
                 "--from", "2025-06-01", "--to", "2025-07-01", cwd=self.dir)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(self.path("none.db")), "a report never creates a store")


if __name__ == "__main__":
    unittest.main()
