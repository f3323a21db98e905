import os, legacy.text as lt, sys
import legacy.text as t2; VALUE = t2.shout("semi")


def run():
    return [lt.whisper("A"), VALUE, os.sep in "/\\", sys.version_info[0] >= 3]
