"""Where each model's rows live when the portal has more than one database.

On SQLite the rate-limit budgets get a file of their own (settings.py): a
budget is taken before every platform request, and in the main file each take
waited behind the sync's writes for SQLite's one write lock (0.3 s of a
2,000-restaurant sync). Elsewhere there is one database and this router
leaves every decision to Django.
"""

from django.conf import settings

BUDGETS = "budgets"


def _is_budget(app_label, model_name):
    return (app_label, model_name) == ("integrations", "ratebudget")


class BudgetsRouter:
    def db_for_read(self, model, **hints):
        return self._database(model)

    def db_for_write(self, model, **hints):
        return self._database(model)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if BUDGETS not in settings.DATABASES:
            return None
        return _is_budget(app_label, model_name) == (db == BUDGETS)

    def _database(self, model):
        if BUDGETS in settings.DATABASES and _is_budget(
            model._meta.app_label, model._meta.model_name
        ):
            return BUDGETS
        return None
