"""gunicorn settings of one Bianmin app node behind nginx (issue 16 item 3; deploy/README.md).

    BIANMIN_BIND=127.0.0.1:8001 .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi

Every node runs the same code with the same environment (settings, database, secrets, the shared upload directory);
only the address differs. The environment variables below tune a node; the rest is Django's (config/settings/prod.py).
"""
import multiprocessing
import os

# Where the node listens: loopback or a private address only the proxy reaches (never the internet).
bind = [os.environ.get("BIANMIN_BIND", "127.0.0.1:8000")]

# Synchronous workers: nginx buffers the slow clients and whole request bodies, so a worker is busy only while
# Django works. Two per core and one more keeps the cores busy while others wait on PostgreSQL.
workers = int(os.environ.get("BIANMIN_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
worker_class = "sync"

# A request still running after `timeout` seconds has its worker killed and restarted; the transaction it held is
# rolled back by PostgreSQL, and a POST retried with its Idempotency-Key then runs again (bianmin/core/idempotency.py).
# nginx's proxy_read_timeout (deploy/nginx.conf.template) is longer, so gunicorn gives up first.
timeout = int(os.environ.get("BIANMIN_WORKER_TIMEOUT", "30"))
graceful_timeout = 30  # SIGTERM: requests in progress are finished before the node stops
# Workers are replaced after this many requests (with jitter, not all at once): memory stays flat over weeks.
max_requests = 5000
max_requests_jitter = 500

# Logs go to stderr, one line per request. The access log must be switched on (accesslog) for gunicorn to write it;
# Django's LOGGING (config/settings/base.py) then replaces the handler of the `gunicorn.access` logger with its
# filtered one, which masks full ID numbers and phones in the query string (decision 0018) — so this node's log
# never holds them. The request id is nginx's ($request_id), to find the proxy's line for a node's line.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("BIANMIN_LOG_LEVEL", "info")
access_log_format = ('%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms '
                     'id=%({x-request-id}i)s pid=%(p)s')

proc_name = os.environ.get("BIANMIN_NODE_NAME", "bianmin")
pidfile = os.environ.get("BIANMIN_PIDFILE") or None
