from app import both, single

print(single.label(b"bytes"), single.label(42))
print(both.label(b"bytes"), both.label(3.5))
