import mock

import compat_unittest as unittest


def doubles():
    stub = mock.Mock(return_value=7)
    return stub(), mock.sentinel.token is mock.sentinel.token, unittest.TestCase.shim
