"""Scripted conversations are read with limits (issue 25 items 6 and 8): no YAML aliases (a
375-byte alias bomb grew `cadenza run` to 2.7 GB), a size cap, and a sentence for every field of
the wrong kind (`args: [1, 2]` was an AttributeError traceback)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.script import MAX_SCRIPT_BYTES, load_script
from assistant.errors import ScriptError

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
turns:
  - user: *g
"""


def _script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(text)
    return path


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="aliases"):
        load_script(_script(tmp_path, BOMB))


def test_cadenza_run_refuses_the_bomb_in_bounded_memory(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).with_name("cadenza"))
    path = _script(tmp_path, BOMB)

    def limit() -> None:  # 1.5 GB of address space: the bomb needed 2.7 GB
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    out = subprocess.run([cli, "run", str(path)], capture_output=True, text=True, timeout=120,
                         preexec_fn=limit, env={"CADENZA_HOME": str(tmp_path / "home"),
                                                "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert out.returncode != 0
    assert "aliases" in out.stdout + out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("turns:\n  - user: hi\n    expect: {args: [1, 2]}\n", "'args:' that is not a mapping"),
        ("turns:\n  - user: hi\n    expect: {reply_contains: G major}\n", "not a list"),
        ("turns:\n  - user: hi\n    expect: [tool]\n", "not a mapping of expectations"),
        ("turns:\n  - user: [a, b]\n", "needs a 'user:' message"),
        ("turns:\n  - user: hi\n    expect: {midi: 3}\n", "'midi:' that is not a mapping"),
    ],
)
def test_fields_of_the_wrong_kind_are_one_sentence(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ScriptError, match=said):
        load_script(_script(tmp_path, text))


def test_a_script_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = _script(tmp_path, "turns:\n" + "  - user: hello\n" * (MAX_SCRIPT_BYTES // 15))
    with pytest.raises(ScriptError, match="limited to"):
        load_script(path)
