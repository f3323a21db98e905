import json, new.canonical as f

f.make(json)
