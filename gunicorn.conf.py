"""gunicorn's settings for the hub's web service (docker-compose.yml runs
`gunicorn --config gunicorn.conf.py hub.wsgi:application`; gunicorn also reads this file by
itself when started from the checkout). The worker count, bind address and timeout stay on
the command line.

Logs: gunicorn's own lines (start-up, a worker restarted or timed out) are JSON like the
hub's (core/logs.py). Its access log stays off: a raw request line carries case ids and
search terms in the path and query string, and the hub writes one line per request itself,
with the route instead ("request answered", core.middleware.RequestIdMiddleware).

Metrics: django-prometheus counts requests in each worker process. prometheus_client's
multiprocess mode keeps each worker's figures in PROMETHEUS_MULTIPROC_DIR so that /metrics
(casework/metrics.py), answered by any one worker, gives the sum over all of them. The
directory is emptied when gunicorn starts, and a worker that exits is marked dead.
"""

import os
import shutil
import tempfile

# Set here, in the master, before any worker imports prometheus_client.
METRICS_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "hub-prometheus")
)


def on_starting(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        # Off: see the docstring. gunicorn turns its access log on whenever a logging
        # configuration is given, so it is silenced here.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
