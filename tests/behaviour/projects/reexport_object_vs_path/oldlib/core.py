def fetch_v1(key):
    return {"key": key, "source": "db"}
