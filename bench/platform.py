"""A simulator in its own process for the benchmarks, and the fetch floor they compare to."""

import contextlib
import subprocess
import sys
import threading

import requests
from django.conf import settings

ANNOUNCE = "Simulator listening on "


@contextlib.contextmanager
def simulator_process(restaurants, *options):
    """Starts `manage.py toast_simulator` on a free port; yields its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "toast_simulator",
            "--port",
            "0",
            "--restaurants",
            str(restaurants),
            "--groups",
            str(max(1, restaurants // 50)),
            *options,
        ],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:
            if line.startswith(ANNOUNCE):
                url = line[len(ANNOUNCE) :].strip()
                break
        else:
            raise RuntimeError("the simulator did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def login(url):
    response = requests.post(
        f"{url}/authentication/v1/authentication/login",
        json={
            "clientId": settings.TOAST_CLIENT_ID,
            "clientSecret": settings.TOAST_CLIENT_SECRET,
            "userAccessType": "TOAST_MACHINE_CLIENT",
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["token"]["accessToken"]


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
