def user_of(request):
    return request["user"]
