"""Debian packages a test needs (Dovecot, Chromium), installed with apt the first time."""

from __future__ import annotations

import os
import subprocess

import pytest


def apt_install(package: str, *, timeout: int = 900) -> None:
    """Install ``package`` or fail the test saying why (never skip: a skipped test proves
    nothing)."""
    if os.geteuid() != 0:
        pytest.fail(
            f"{package} is not installed and installing it needs root: "
            f"apt-get install -y --no-install-recommends {package}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_lock = ["-o", "DPkg::Lock::Timeout=300"]  # other sessions may be installing too
    for command in (
        ["apt-get", *wait_for_lock, "update"],
        ["apt-get", *wait_for_lock, "install", "-y", "--no-install-recommends", package],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
