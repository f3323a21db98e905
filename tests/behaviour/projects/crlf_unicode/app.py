# -*- coding: utf-8 -*-
"""Ünïcödé text and CRLF line endings."""
from legacy import text
from legacy.text import old_shout

BANNER = "😀 héllo"; LOUD = old_shout(BANNER)


def greet():
    return "☃ wörld " + text.old_shout("naïve")
