from lib.modern import create_manager

class Service:
	def run(self, user_id):
		if user_id:
			return create_manager(user_id=user_id)
