# syntax=docker/dockerfile:1
# The Victims' Hub production image: one image for web (gunicorn), worker and beat (Celery)
# and the one-shot migrate job; docker-compose.yml chooses the command. Configured only by
# environment variables at run time (see .env.example); nothing secret is baked in.

# --- Stage 1: front-end assets (GOV.UK Frontend, htmx, Chart.js) into static_build/ ---------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ static/
COPY scripts/copy_assets.mjs scripts/copy_assets.mjs
RUN npm run build

# --- Stage 2: the Django application --------------------------------------------------------
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF letters and reports) loads Pango, HarfBuzz and fontconfig at run time; the
# Python wheels cover everything else, so no compiler is installed. The backup service needs
# pg_dump and pg_restore (postgresql-client: 15, the db service's version) and gpg (backups
# are encrypted at rest: core/backups.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        libffi8 \
        libjpeg62-turbo \
        libopenjp2-7 \
        shared-mime-info \
        fonts-liberation \
        postgresql-client \
        gpg \
        gpg-agent \
    && rm -rf /var/lib/apt/lists/*

# The code runs from /app; `pip install .` installs only the pinned dependencies from
# pyproject.toml (the project declares `packages = []`). Copied alone first so the
# dependency layer is rebuilt only when pyproject.toml changes.
WORKDIR /app
COPY pyproject.toml ./
RUN pip install . \
    && pip uninstall -y victims-hub

# An unprivileged user owns nothing but the media directory (and its home).
RUN groupadd --system --gid 10001 hub \
    && useradd --system --uid 10001 --gid hub --create-home --home-dir /home/hub hub

COPY . .
COPY --from=assets /build/static_build/ static_build/

# Static files are collected at build time and served by WhiteNoise. Settings refuse to load
# without DATABASE_URL and would otherwise write a .secret_key into the image, so both get
# dummy values that exist only for this one command (collectstatic opens no connection).
RUN DATABASE_URL=postgres://collectstatic@localhost:1/collectstatic \
    SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /backups \
    && chown hub:hub /app/media /backups

USER hub:hub

EXPOSE 8000

# docker-compose.yml sets the real command for each service; this default is the web server.
CMD ["gunicorn", "hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
