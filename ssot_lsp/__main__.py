"""`python -m ssot_lsp` runs the language server over stdio (`serve` with its options)."""

import sys

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if not arguments or arguments[0].startswith("-") and arguments[0] not in ("-h", "--help", "--version"):
        arguments = ["serve", *arguments]
    from .cli import main

    sys.exit(main(arguments))
