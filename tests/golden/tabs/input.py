class Service:
	def run(self, user_id):
		from lib.legacy import get_manager
		if user_id:
			return get_manager()
