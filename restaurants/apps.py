from django.apps import AppConfig
from django.db.backends.signals import connection_created


class RestaurantsConfig(AppConfig):
    name = "restaurants"
    verbose_name = "Restaurants"

    def ready(self):
        from restaurants.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
