from new.canonical import make  # relative: becomes absolute
from new import canonical as factory

make(factory)
