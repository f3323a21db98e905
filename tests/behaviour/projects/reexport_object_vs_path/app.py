from oldlib import fetch_v1
from oldlib.core import fetch_v1 as fetch_direct
from compat.helpers import parse
from newlib import parse as parse_again
from newlib.helpers import parse as parse_origin


def run():
    return [fetch_v1("a"), fetch_direct("b"), parse("x,y"), parse_again("z"), parse_origin("w,v")]
