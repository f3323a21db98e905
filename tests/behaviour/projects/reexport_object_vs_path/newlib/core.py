def fetch_v2(key):
    return {"key": key, "source": "db"}
