"""The platform of each benchmark: a clean start, the connected restaurants, the fetch floor."""

import threading
import time

import requests
from django.core.cache import cache
from django.db import connection

from integrations import token_store
from integrations.models import RateBudget, SyncRun
from restaurants.models import Connection, Restaurant, Snapshot

CLEARED = (Snapshot, Connection, Restaurant, SyncRun, RateBudget)


def connected(url, token):
    """Every connected restaurant's GUID, from the partners API."""
    guids, params = [], {"pageSize": 200}
    while True:
        answer = requests.get(
            f"{url}/partners/v1/connectedRestaurants",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        if answer.status_code == 429:  # 20 pages a second: 150,000 restaurants are 750
            time.sleep(float(answer.headers.get("Retry-After", 1)))
            continue
        page = answer.json()
        guids += [record["restaurantGuid"] for record in page["results"]]
        if not page.get("nextPageToken"):
            return guids
        params["pageToken"] = page["nextPageToken"]


def fetch_floor(url, token, guids, concurrency):
    """The same requests with a plain pooled session per thread: parse the JSON, store nothing."""
    pending = iter(guids)
    lock = threading.Lock()

    def work():
        session = requests.Session()
        while True:
            with lock:
                guid = next(pending, None)
            if guid is None:
                return
            session.get(
                f"{url}/restaurants/v1/restaurants/{guid}",
                params={"includeArchived": "true"},
                headers={"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": guid},
                timeout=30,
            ).json()

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def clear():
    """No restaurant, run or budget of another round or scenario."""
    if connection.vendor == "postgresql":
        # Deleting through the ORM collects every row first: 150,000 restaurants
        # took minutes (bench-scale).
        tables = ", ".join(model._meta.db_table for model in CLEARED)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")
    else:
        for model in CLEARED:
            model.objects.all().delete()
    cache.clear()
    # Each round's simulator is a new platform: its tokens and its two logins an
    # hour have nothing to do with the last one's (without this the third
    # simulator's login waits for the hour and the memory figure fails).
    token_store.forget()
