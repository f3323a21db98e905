from json import dumps, loads  # noqa: F401
