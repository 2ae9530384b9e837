"""What the scale scenarios share: a client of a simulator, the memory of processes."""

import os

from integrations import platform


def client_of(url: str):
    """The portal's own client of the platform at `url`, as its workers build it."""
    from django.conf import settings

    settings.TOAST_API_HOSTNAME = url
    platform.reset_clients()
    return platform.build_client(base_url=url)


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def group_pids(pgid: int) -> list[int]:
    """The processes of process group `pgid` (a qcluster and the workers it forked)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    pids.append(int(entry))
            except ProcessLookupError:
                continue
    return pids
