"""`check --format github`: GitHub Actions workflow commands (SPEC §6)."""

from __future__ import annotations

import re
import subprocess
import sys

from ssot_lsp.model import Span, Violation
from ssot_lsp.render.github import annotation
from tests.conftest import DEMO

# ::level file=F,line=L,col=C,endLine=EL,endColumn=EC,title=T::message — property values
# may not contain raw `,` `:` `%` CR or LF; the message may not contain raw `%` CR or LF.
VALUE = r"(?:[^,:%\r\n]|%25|%0D|%0A|%3A|%2C)+"
ANNOTATION = re.compile(
    rf"^::(error|warning|notice) file={VALUE},line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title={VALUE}"
    r"::(?:[^%\r\n]|%25|%0D|%0A)+$"
)


def test_demo_lines_match_the_annotation_syntax():
    result = subprocess.run([sys.executable, "-m", "ssot_lsp", "check", "--format", "github", "."], cwd=DEMO,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(lines) == 31
    for line in lines:
        assert ANNOTATION.match(line), line
    first = lines[0]
    assert first.startswith("::warning file=netra_backend/app/agents/supervisor/pipeline.py,line=6,col=70,")
    assert ",title=SSOT005::SSOT005 " in first
    assert sum(line.startswith("::error ") for line in lines) == 9 + 6 + 5  # SSOT001-003 are errors


def test_levels_and_escaping():
    span = Span(0, 4, 0, 10)
    info = Violation("R:1", "module", span, "100% bad,\nreally", "information")
    line = annotation("dir,1/a:b.py", info)
    assert line == ("::notice file=dir%2C1/a%3Ab.py,line=1,col=5,endLine=1,endColumn=10,title=R%3A1"
                    "::R:1 100%25 bad,%0Areally")
    assert ANNOTATION.match(line)
    assert annotation("a.py", Violation("R", "call", span, "m", "hint")).startswith("::notice ")
    assert annotation("a.py", Violation("R", "call", span, "m", "error")).startswith("::error ")
