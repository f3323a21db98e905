"""`python -m ssot_lsp` runs the language server over stdio (`serve` with its options)."""

import sys

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments or arguments[0].startswith("-") and arguments[0] not in ("-h", "--help", "--version"):
        arguments = ["serve", *arguments]
    if arguments[0] == "serve":
        from .lsp.startup import prepare

        prepare()  # before pygls and lsprotocol are imported
    from .cli import main

    sys.exit(main(arguments))
