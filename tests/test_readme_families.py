"""The README's family table (family, bundled workflows, lowest ComfyUI) says what the workflow table says.

devtools/make_workflows.WORKFLOWS (each workflow's family record, devtools/workflows/families.py, with
its name and lowest host) is the source; every bundled workflow is in exactly one row, under its
family's name and host, one row per family.
"""
import re

from devtools import make_workflows as mw
from devtools.lanpaint_pack import REPO_ROOT

SECTION = "### Bundled workflows"


def readme_rows(text):
    """(family, [workflow names], host) of each row of the family table in README text."""
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ")]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("Family", "---"):
            rows.append((cells[0], re.findall(r"`(\w+)`", cells[1]), cells[2]))
    return rows


def table_problems(rows):
    listed = [name for _, names, _ in rows for name in names]
    problems = ["%s: not a bundled workflow" % n for n in sorted(set(listed) - set(mw.WORKFLOWS))]
    problems += ["%s: missing from the table" % n for n in sorted(set(mw.WORKFLOWS) - set(listed))]
    problems += ["%s: listed %d times" % (n, listed.count(n)) for n in sorted(set(listed)) if listed.count(n) > 1]
    for family, names, host in rows:
        for name in [n for n in names if n in mw.WORKFLOWS]:
            workflow = mw.WORKFLOWS[name]
            if (workflow.family.name, workflow.host) != (family, host):
                problems.append("%s: row says %s / %s, the workflow table %s / %s"
                                % (name, family, host, workflow.family.name, workflow.host))
    if len(rows) != len({w.family.name for w in mw.WORKFLOWS.values()}):
        problems.append("not one row per family")
    return problems


def test_the_readme_family_table_matches_the_workflow_table():
    assert table_problems(readme_rows((REPO_ROOT / "README.md").read_text())) == []


def test_a_wrong_host_or_a_missing_workflow_is_caught():
    text = (REPO_ROOT / "README.md").read_text()
    rows = readme_rows(text)
    family, names, host = rows[-1]
    wrong = rows[:-1] + [(family, names, "0.1.0")]
    assert any("row says" in p for p in table_problems(wrong))
    assert any("missing from the table" in p for p in table_problems(rows[:-1]))
