"""`python -m ssot_lsp` runs the language server over stdio (`serve` with its options)."""

import sys

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments:
        # What editors run. The start is prepared before anything else is imported (the
        # collector paused, generated code from the cache: `lsp/startup.py`), and the server
        # starts without building the parsers of the other subcommands, which import the
        # batch runner, fixing and inference (~30 ms).
        from .lsp.startup import prepare

        prepare()
        from argparse import Namespace

        from .cli import run_serve

        sys.exit(run_serve(Namespace(tcp=False, host="127.0.0.1", port=2087)))
    if arguments[0].startswith("-") and arguments[0] not in ("-h", "--help", "--version"):
        arguments = ["serve", *arguments]
    from .cli import main

    sys.exit(main(arguments))
