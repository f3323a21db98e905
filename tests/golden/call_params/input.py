"""Call templates: a parameter by position or keyword, and the fallback template."""
from lib.legacy import create_client

a = create_client(5)
b = create_client(timeout=3.5)
c = create_client()
