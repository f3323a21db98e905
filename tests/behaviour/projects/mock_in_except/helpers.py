try:
    from testing_extras import mock
except ImportError:  # the extras are not installed
    import mock


def double():
    stub = mock.MagicMock()
    stub.size.return_value = 3
    return stub.size(), type(stub).__name__
