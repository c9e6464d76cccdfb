"""The README speaks to a new user: its first screen says what the project answers and
gives the two commands for a fresh machine, with a sample of what the first prints; CI
runs the second verbatim; no page speaks of how the project was built."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = [
    "python -m pip install -e . && wargame run scenarios/belarus_2020.yaml",
    'python -m pip install -e ".[test]" && python -m pytest',
]


def test_the_first_screen_has_the_name_the_question_the_commands_and_a_sample():
    first = README.splitlines()[:40]
    assert first[0] == "# wargame"
    text = "\n".join(first)
    assert "how likely a persistent foreign military presence becomes, and by when" in text
    for command in COMMANDS:
        assert command in first, command
    assert "$ wargame run scenarios/belarus_2020.yaml" in text
    assert "persistent presence at the ho" in text  # the sample's headline row


def test_the_readme_is_short_and_links_to_the_docs():
    assert len(README.splitlines()) <= 200
    for page in re.findall(r"\]\((docs/[\w-]+\.md)\)", README):
        assert (ROOT / page).is_file(), page


def test_ci_runs_the_readmes_test_command_in_a_fresh_environment():
    ci = (ROOT / ".ci" / "run").read_text()
    code = "\n".join(ln for ln in ci.splitlines() if not ln.lstrip().startswith("#"))
    assert COMMANDS[1] in code
    assert "python3 -m venv" in code and "--system-site-packages" not in code


def test_no_page_speaks_of_how_the_project_was_built():
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for pattern in (r"\bissue \d+", r"\bstop \d+", r"\bissues? #\d+"):
            found = re.search(pattern, text, re.IGNORECASE)
            assert not found, f"{page.name}: '{found[0]}'"
