import consumer
import facade

print(consumer.run(), facade.old_shout("z"), sorted(facade.__all__))
