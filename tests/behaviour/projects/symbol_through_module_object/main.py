from app import dotted, service, short

print(short.run(), dotted.loud(), dotted.soft(), service.Service().banner)
