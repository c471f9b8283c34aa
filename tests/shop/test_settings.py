import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789abcdefghijkl",
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    "STRIPE_SECRET_KEY": "sk_live_51production0secret0key",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51production0publishable0key",
    "STRIPE_WEBHOOK_SECRET": "whsec_production0webhook0secret",
}


def manage(*args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser fixture, fails the deploy check.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("STRIPE_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_secret_key_production_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
