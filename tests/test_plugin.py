"""The pytest plugin: a project's rulesets are collected as items and fail with the tester's own report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pytest(folder: Path, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "--perfdsl-max-examples",
                           "5", *args], cwd=folder, capture_output=True, text=True)


def test_rulesets_are_items_and_a_wrong_figure_is_a_clean_failure(tmp_path):
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "examples").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = rulesets\n", "utf-8")
    shutil.copy(ROOT / "rulesets" / "chaoan-2022.perf", tmp_path / "rulesets")
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "rulesets" / "common")  # the library it includes
    text = (ROOT / "examples" / "chaoan-2022.json").read_text("utf-8")
    (tmp_path / "examples" / "chaoan-2022.json").write_text(text.replace('"score": 29.0', '"score": 30'), "utf-8")
    done = _pytest(tmp_path, "--perfdsl-failures", str(tmp_path / "f"))
    assert done.returncode == 1
    out = done.stdout
    assert "rulesets/chaoan-2022.perf::example[chaoan-2022.json] FAILED" in out
    assert "rulesets/chaoan-2022.perf::invariants PASSED" in out
    line = (ROOT / "rulesets" / "chaoan-2022.perf").read_text("utf-8").splitlines().index(
        "property score of 项目完成率 never decreases in 项目完成数") + 1
    assert f"rulesets/chaoan-2022.perf::property:{line}[score of 项目完成率 never decreases in 项目完成数] PASSED" in out
    assert "examples/chaoan-2022.json:121: 自评质量 总分：公布 30，得到 29" in out
    assert "Traceback" not in out and "def runtest" not in out  # the report, not the plugin's code
    assert "perfdsl 规则覆盖" in out and "chaoan-2022.perf: 规则分支覆盖 " in out
    assert "1 failed, 15 passed" in out, out  # with common/guangdong-base.perf (example, invariants)


def test_perf_files_outside_the_configured_globs_are_not_collected(tmp_path):
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "broken.perf").write_text("ruleset {", "utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", "utf-8")
    assert _pytest(tmp_path).returncode == 5  # nothing collected
    named = _pytest(tmp_path, "golden/broken.perf")  # named on the command line: collected, and fails cleanly
    assert named.returncode == 1
    assert "golden/broken.perf::load FAILED" in named.stdout and "规则集无法载入" in named.stdout


def test_an_example_whose_record_warns_fails(tmp_path):
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "examples").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = rulesets\n", "utf-8")
    shutil.copy(ROOT / "rulesets" / "yaan-2020.perf", tmp_path / "rulesets")
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "rulesets" / "common")
    text = (ROOT / "examples" / "yaan-2020.json").read_text("utf-8")
    (tmp_path / "examples" / "yaan-2020.json").write_text(text.replace('"73.20%"', "73.2", 1), "utf-8")
    done = _pytest(tmp_path, "-k", "example")
    assert done.returncode == 1
    assert "rulesets/yaan-2020.perf::example[yaan-2020.json] FAILED" in done.stdout
    assert ("examples/yaan-2020.json: 记录 雅安市政务服务和大数据局，键 `报告预算完成率`: 警告[P521]: 报告预算完成率 = 73.2"
            "（读作 7320%）：是否应为 73.2%？") in done.stdout
