from six.moves import configparser
from compat import jsonlib


def load():
    parser = configparser.ConfigParser()
    parser.read_string("[main]\nname = demo\n")
    return jsonlib.dumps({"name": parser.get("main", "name")}, sort_keys=True)
