"""The project's unittest compatibility layer (unittest2's API shape)."""
import unittest as _unittest


class TestCase(_unittest.TestCase):
    shim = True
