"""Every Python snippet of the repository's READMEs runs as written: each ```python block is
run as a script of its own in a scratch directory, with demo credentials in the environment
(the snippets read them from there)."""

import os
import re
import runpy
from pathlib import Path

import pytest

from conftest import APP_ID, CERT

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"node_modules", "target", ".git", ".venv", "test-results"}


def readmes(directory):
    for entry in sorted(directory.iterdir()):
        if entry.name in SKIP:
            continue
        if entry.is_dir():
            yield from readmes(entry)
        elif entry.name == "README.md":
            yield entry


def snippets():
    for readme in readmes(ROOT):
        text = readme.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\n(.*?)^```$", text, re.M | re.S):
            line = text.count("\n", 0, match.start()) + 2
            yield pytest.param(match.group(1), id=f"{readme.relative_to(ROOT)}:{line}")


SNIPPETS = list(snippets())


def test_the_readmes_have_python_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("code", SNIPPETS)
def test_snippet_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGORA_APP_ID", APP_ID)
    monkeypatch.setenv("AGORA_APP_CERTIFICATE", CERT)
    monkeypatch.setenv("SHARE_KEY", "readme-snippet-share-key-0123456789")
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    runpy.run_path(os.fspath(script), run_name="__main__")
