import importlib

text = importlib.import_module("legacy.text")
other = __import__("legacy.text", fromlist=["shout"])


def run():
    return text.shout("a") + other.whisper("B")
