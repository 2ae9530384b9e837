"""No secret — toast secret, webhook secret, access token — in logs, records or errors."""

import logging

import pytest
from django.conf import settings

from integrations import token_store
from integrations.models import ApiFailure, RequestHalt
from integrations.toast import errors
from tests.platform import connected_guids, control, make_client

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_secret_anywhere_after_a_bad_day(toast, sim, caplog):
    raised = []
    with caplog.at_level(logging.DEBUG):
        guid = connected_guids(sim)[0]
        toast.restaurant_info(guid)
        token = toast.tokens.local.value
        control(sim, "POST", "tokens/revoke")
        control(sim, "PUT", "faults", json={"error_rate": 1.0, "error_status": 500})
        for call in (lambda: toast.restaurant_info(guid), toast.partner_restaurants):
            try:
                call()
            except errors.ToastError as exc:
                raised.append(exc)
        wrong = make_client(sim, client_secret=settings.TOAST_CLIENT_SECRET + "-wrong")
        token_store.forget()  # so that the wrong secret is sent
        try:
            wrong.partner_restaurants()
        except errors.ToastError as exc:
            raised.append(exc)
    assert len(raised) == 3
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(exc) + repr(exc.args) for exc in raised]
    texts += list(ApiFailure.objects.values_list("message", flat=True))
    texts += list(RequestHalt.objects.values_list("last_message", flat=True))
    secrets = [settings.TOAST_CLIENT_SECRET, settings.TOAST_WEBHOOK_SECRET, token]
    assert token and len(texts) > 5
    for secret in secrets:
        assert not [text for text in texts if secret in text]
