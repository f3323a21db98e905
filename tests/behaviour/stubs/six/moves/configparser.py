from configparser import *  # noqa: F401,F403
from configparser import ConfigParser  # noqa: F401
