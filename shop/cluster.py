"""`make cluster`: the shop served as several hosts serve it, on loopback.

nginx (Debian's, a private instance) spreads requests round robin over two
gunicorn instances, each started in a working directory of its own, in front
of the Procfile's worker, beat and localstripe, on the shared PostgreSQL and
Redis, with uploads and thumbnails in an S3-API bucket (moto's server, started
here, unless MEDIA_BUCKET names one). Every response says which instance served
it (`X-Served-By`). Ctrl-C stops everything.

    python -m shop.cluster      # needs DATABASE_URL (PostgreSQL) and REDIS_URL

PORT (default 8000) is nginx's; everything else listens on a free port.
CLUSTER_DIR (default var/cluster) holds the generated configuration, the
instances' working directories and moto's bucket between runs (bucket/).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from mimetypes import guess_type
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
INSTANCES = ("a", "b")
BUCKET = "simplyjnj-media"
# moto's server accepts any credentials; boto3 only needs some.
MOTO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "cluster",
    "AWS_SECRET_ACCESS_KEY": "cluster",
    "AWS_DEFAULT_REGION": "us-east-1",
}

NGINX_CONF = """\
daemon off;
worker_processes 1;
pid nginx.pid;
error_log stderr;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path client_body_temp;
  proxy_temp_path proxy_temp;
  fastcgi_temp_path fastcgi_temp;
  uwsgi_temp_path uwsgi_temp;
  scgi_temp_path scgi_temp;
  upstream shop {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 10m;
    location / {{
      proxy_pass http://shop;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Which instance answered: for watching the round robin, not for production.
      add_header X-Served-By $upstream_addr always;
    }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cluster_env(port: int) -> dict[str, str]:
    """What every process of the cluster runs with: the caller's environment and
    the settings that make several hosts one shop."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not env.get(name):
            sys.exit(f"{name} is not set: the hosts of a cluster share PostgreSQL and Redis.")
    if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must be PostgreSQL: every host uses the same database.")
    redis_url = env["REDIS_URL"]
    env.setdefault("CACHE_URL", f"{redis_url}{'&' if '?' in redis_url else '?'}key_prefix=cluster")
    env.update(
        {
            # localstripe answers for Stripe, which only a development setting allows.
            "DEBUG": "1",
            "TRUSTED_PROXIES": "1",
            "SITE_DOMAIN": f"127.0.0.1:{port}",
            "LOCALSTRIPE_PORT": env.get("LOCALSTRIPE_PORT") or str(free_port()),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # The Procfile's commands (gunicorn, celery, python) are this virtualenv's.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def nginx_conf(port: int, web_ports: dict[str, int]) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in web_ports.values())
    return NGINX_CONF.format(port=port, servers=servers)


def procfile(cluster_dir: Path, web_ports: dict[str, int]) -> str:
    """nginx, one gunicorn per instance in its own directory, and the Procfile's
    other processes (worker, beat, localstripe) as `make run` has them."""
    lines = [f"nginx: {NGINX} -e stderr -p {cluster_dir / 'nginx'} -c nginx.conf"]
    for name, web_port in web_ports.items():
        lines.append(
            f"web-{name}: cd {cluster_dir / name} && exec gunicorn shop.wsgi"
            f" --bind 127.0.0.1:{web_port} --workers ${{WEB_CONCURRENCY:-2}} --access-logfile -"
        )
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if command.strip() and name.strip() != "web":
            lines.append(line)
    return "\n".join(lines) + "\n"


def ensure_database(url: str) -> None:
    """Create the cluster's database when the server does not have it yet."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def media_bucket(env: dict[str, str], saved: Path):
    """The bucket given by MEDIA_BUCKET, or one on a moto server of our own. moto
    keeps objects in memory: they are saved to `saved` when the cluster stops and
    put back when it starts, as the database expects them to be there."""
    if env.get("MEDIA_BUCKET"):
        yield
        return
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        env.update(MOTO_CREDENTIALS, MEDIA_BUCKET=BUCKET, MEDIA_S3_ENDPOINT_URL=endpoint)
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=MOTO_CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=MOTO_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=MOTO_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket=BUCKET)
        for path in (p for p in saved.rglob("*") if p.is_file()):
            extra = {
                "ACL": "public-read",
                "ContentType": guess_type(path.name)[0] or "binary/octet-stream",
            }
            s3.upload_file(str(path), BUCKET, path.relative_to(saved).as_posix(), ExtraArgs=extra)
        try:
            yield
        finally:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
                for item in page.get("Contents", []):
                    (saved / item["Key"]).parent.mkdir(parents=True, exist_ok=True)
                    s3.download_file(BUCKET, item["Key"], str(saved / item["Key"]))
    finally:
        server.stop()


def main() -> int:
    port = int(os.environ.get("PORT") or 8000)
    web_ports = {name: free_port() for name in INSTANCES}
    env = cluster_env(port)
    cluster_dir = Path(env.get("CLUSTER_DIR") or ROOT / "var" / "cluster").resolve()
    for folder in (*INSTANCES, "nginx", "var"):
        (cluster_dir / folder).mkdir(parents=True, exist_ok=True)
    (cluster_dir / "nginx" / "nginx.conf").write_text(nginx_conf(port, web_ports))
    (cluster_dir / "Procfile").write_text(procfile(cluster_dir, web_ports))

    ensure_database(env["DATABASE_URL"])
    with media_bucket(env, saved=cluster_dir / "bucket"):
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True)
        subprocess.run([*manage, "load_site_content"], env=env, check=True)
        print(
            f"\n  SimplyJnJ is at http://127.0.0.1:{port}/ (nginx), served by"
            f" {' and '.join(f'127.0.0.1:{p}' for p in web_ports.values())}"
            f"\n  Media: bucket {env['MEDIA_BUCKET']} at {env.get('MEDIA_S3_ENDPOINT_URL', 'S3')}."
            f" Ctrl-C stops everything.\n",
            flush=True,
        )
        honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
        command = [honcho, "start", "--no-colour", "-d", str(cluster_dir), "-f", "Procfile"]
        proc = subprocess.Popen(command, cwd=cluster_dir, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            # honcho stops every process it started (it got Ctrl-C too, unless sent alone).
            proc.send_signal(signal.SIGINT)
            return proc.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the cluster as Ctrl-C does
    sys.exit(main())
