"""Run in a fresh process by bench.sync: one full sync, then prints its peak RSS as JSON."""

import json
import os
import resource
import sys


def main(url):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings

    from integrations import platform
    from integrations.sync import polling

    from .sync import sync_in_process

    settings.TOAST_API_HOSTNAME = url
    client = platform.build_client(base_url=url)
    changes = polling.poll(client, full=True)
    sync_in_process(client, [change.guid for change in changes])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_kib": peak, "restaurants": len(changes)}))


if __name__ == "__main__":
    main(sys.argv[1])
