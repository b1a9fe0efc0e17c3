"""Hostile files at the door: `include` confined to the ruleset's tree, rulesets read as bounded regular files.

Each case ends in a located message; none reads a file outside the allowed
tree or prints a line of a file that is not a ruleset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfdsl import diagnose
from perfdsl.errors import UsageError
from perfdsl.loader import read_ruleset

ROOT = Path(__file__).resolve().parent.parent
CARD = 'scorecard 卡 max 1 { group 组 1 { indicator 分 1 { score 1 } } }\n'


def _ruleset(folder: Path, include: str) -> Path:
    path = folder / "top.perf"
    path.write_text(f'ruleset "t" {{ }}\ninclude "{include}"\n{CARD}', "utf-8")
    return path


def _messages(path: Path) -> list[str]:
    _, diagnostics = diagnose(path.read_text("utf-8"), str(path))
    return [d.render() for d in diagnostics if d.is_error]


SECRET = "SECRET_TOKEN=hunter2"


@pytest.fixture
def outside(tmp_path):
    """A folder beside the ruleset's, holding a secret that parses as nothing."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.perf").write_text(SECRET + "\n", "utf-8")
    (folder / "lib.perf").write_text("input x: number\n", "utf-8")
    return folder


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "tree"
    (folder / "sub").mkdir(parents=True)
    return folder


@pytest.mark.parametrize("written,reason", [
    ("/proc/self/environ", "只能写相对路径"),
    ("/etc/passwd", "只能写相对路径"),
    ("../outside/lib.perf", "之外"),
    ("../../../../../../etc/passwd", "只能包含 .perf"),
    ("sub/../../outside/secret.perf", "之外"),
    ("sub/notes.txt", "只能包含 .perf"),
])
def test_an_include_out_of_the_tree_is_refused_with_its_location(tree, outside, written, reason):
    messages = _messages(_ruleset(tree, written))
    assert len(messages) == 1
    assert messages[0].startswith(f"{tree / 'top.perf'}:2:1: error[P108]: ")
    assert reason in messages[0]
    assert SECRET not in messages[0] and "root:" not in messages[0]


def test_a_symlink_out_of_the_tree_is_refused(tree, outside):
    (tree / "sub" / "lib.perf").symlink_to(outside / "lib.perf")
    (tree / "sub" / "passwd.perf").symlink_to("/etc/passwd")
    for name in ("lib", "passwd"):
        (message,) = _messages(_ruleset(tree, f"sub/{name}.perf"))
        assert "之外（符号链接指向外部）" in message and "root:" not in message


def test_a_symlink_within_the_tree_is_followed(tree):
    (tree / "real.perf").write_text("input x: number\n", "utf-8")
    (tree / "sub" / "alias.perf").symlink_to(tree / "real.perf")
    path = _ruleset(tree, "sub/alias.perf")
    path.write_text(path.read_text("utf-8").replace("score 1", "score min(x, 1)"), "utf-8")
    assert _messages(path) == []


def test_a_library_that_does_not_parse_is_located_but_never_quoted(tree):
    (tree / "sub" / "secret.perf").write_text(f"input a: number\n{SECRET}\n", "utf-8")
    (message,) = _messages(_ruleset(tree, "sub/secret.perf"))
    assert "被包含的文件 `sub/secret.perf` 不是有效的规则集：第 2 行第 1 列有语法错误（P110）" in message
    assert SECRET not in message and "SECRET" not in message


def test_a_library_that_parses_is_quoted_where_it_is_wrong(tree):
    (tree / "sub" / "lib.perf").write_text("input a: number\nlet b = 未知\n", "utf-8")
    messages = _messages(_ruleset(tree, "sub/lib.perf"))
    assert any(m.startswith(f"{tree / 'sub' / 'lib.perf'}:2:9:") and "2 | let b = 未知" in m for m in messages)


def test_the_shipped_libraries_are_found_from_any_folder(tree):
    path = _ruleset(tree, "common/guangdong.perf")
    assert _messages(path) == []


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null"])
def test_a_device_is_no_ruleset_and_is_never_read(tree, special):
    link = tree / "sub" / "dev.perf"
    link.symlink_to(special)
    (message,) = _messages(_ruleset(tree, "sub/dev.perf"))
    assert "之外（符号链接指向外部）" in message  # refused before it is even opened
    with pytest.raises(UsageError, match="不是普通文件"):
        read_ruleset(special)


def test_a_fifo_is_refused_without_blocking(tree):
    fifo = tree / "sub" / "pipe.perf"
    os.mkfifo(fifo)
    (message,) = _messages(_ruleset(tree, "sub/pipe.perf"))
    assert "不是普通文件" in message


def test_an_oversized_ruleset_is_refused_before_it_is_read(tree):
    from perfdsl import limits

    huge = tree / "huge.perf"
    with open(huge, "wb") as handle:
        handle.truncate(limits.RULESET_BYTES + 1)
    with pytest.raises(UsageError, match="规则集文件过大"):
        read_ruleset(huge)
    (message,) = _messages(_ruleset(tree, "huge.perf"))
    assert "过大" in message


def test_check_dev_zero_on_the_command_line():
    done = subprocess.run([sys.executable, "-m", "perfdsl", "check", "/dev/zero"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "/dev/zero: 不是普通文件（设备、管道或套接字），不能作为规则集文件"
