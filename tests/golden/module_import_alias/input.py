import json, old.factory as f

f.make(json)
