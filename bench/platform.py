"""The platform of each benchmark: a clean start, the connected restaurants, the fetch floor."""

import threading

import requests
from django.core.cache import cache

from integrations import token_store
from integrations.models import RateBudget, SyncRun
from restaurants.models import Connection, Restaurant, Snapshot


def connected(url, token):
    """Every connected restaurant's GUID, from the partners API."""
    guids, params = [], {"pageSize": 200}
    while True:
        page = requests.get(
            f"{url}/partners/v1/connectedRestaurants",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
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
    for model in (Snapshot, Connection, Restaurant, SyncRun, RateBudget):
        model.objects.all().delete()
    cache.clear()
    # Each round's simulator is a new platform: its tokens and its two logins an
    # hour have nothing to do with the last one's (without this the third
    # simulator's login waits for the hour and the memory figure fails).
    token_store.forget()
