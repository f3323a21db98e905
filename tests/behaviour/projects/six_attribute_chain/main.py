import status

print(status.status_line())
