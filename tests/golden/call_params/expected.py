"""Call templates: a parameter by position or keyword, and the fallback template."""
import secrets
from lib.modern import Client

a = Client(timeout=5, token=secrets.token_hex(8))
b = Client(timeout=3.5, token=secrets.token_hex(8))
c = Client()
