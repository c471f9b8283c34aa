"""Media on an S3-compatible object store: moto's server on a free port, one bucket,
and the site's settings pointed at it as production's environment would."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import free_port, wait_for_port

BUCKET = "simplyjnj-media"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint URL of a moto server with the media bucket, for this test process."""
    port = free_port()
    log = Path(tmp_path_factory.mktemp("moto")) / "moto.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}"
        import boto3

        s3 = boto3.client("s3", endpoint_url=url, **_boto_credentials())
        s3.create_bucket(Bucket=BUCKET)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def _boto_credentials() -> dict:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_DEFAULT_REGION"],
    }


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """The default storage (uploads, sorl's thumbnails) is the bucket, as with MEDIA_BUCKET."""
    from django.utils.functional import empty
    from sorl.thumbnail import default as thumbnails

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "querystring_auth": False,
                "default_acl": "public-read",
                "file_overwrite": False,
            },
        },
    }
    # sorl keeps the storage it was first given; this test's is the bucket.
    thumbnails.storage._wrapped = empty
    yield s3_server
    thumbnails.storage._wrapped = empty
