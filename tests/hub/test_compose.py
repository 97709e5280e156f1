"""The production shape (docker-compose.yml, Dockerfile, .env.example, .dockerignore).

Nothing is built or started: the files are parsed and checked against each other and
against hub/settings.py, so the deployment cannot drift from what the settings read.
No database is needed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
# Every service that runs the hub's code and so gets the application environment.
CODE_SERVICES = [name for name in SERVICES if name not in ("db", "redis")]
SECRET_NAMES = {"SECRET_KEY", "POSTGRES_PASSWORD", "BACKUP_KEY"}
# `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`.
REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<rest>[^}]*)\}")


def settings_names() -> set[str]:
    text = (ROOT / "hub" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:_bool|_list)?\(\s*\"([A-Z][A-Z0-9_]*)\"", text))


def bool_settings_names() -> set[str]:
    text = (ROOT / "hub" / "settings.py").read_text()
    return set(re.findall(r"\benv_bool\(\s*\"([A-Z][A-Z0-9_]*)\"", text))


def command(service: str) -> list[str]:
    value = SERVICES[service].get("command", [])
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def environment(service: str) -> dict[str, str]:
    value = SERVICES[service].get("environment") or {}
    if isinstance(value, list):
        value = dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {name: "" if text is None else str(text) for name, text in value.items()}


def depends_on(service: str) -> dict[str, dict]:
    value = SERVICES[service].get("depends_on") or {}
    if isinstance(value, list):
        # The short form only waits for the container to start, not to be healthy.
        return {name: {"condition": "service_started"} for name in value}
    return value


def volume_sources(service: str) -> list[str]:
    sources = []
    for volume in SERVICES[service].get("volumes") or []:
        if isinstance(volume, dict):
            sources.append(volume.get("source", ""))
        else:
            sources.append(volume.split(":", 1)[0])
    return sources


def healthcheck_text(service: str) -> str:
    test = SERVICES[service]["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(str(part) for part in test)


def strings(node) -> list[str]:
    """Every string value in the parsed compose file (comments are not part of it)."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in strings(value)]
    return [node] if isinstance(node, str) else []


def all_environment_values(name: str) -> list[str]:
    return [environment(service)[name] for service in SERVICES if name in environment(service)]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    instructions, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


# --- docker-compose.yml: services and commands ------------------------------------------------


def test_the_services_exist():
    assert {"web", "worker", "beat", "db", "redis"} <= set(SERVICES)


def test_web_runs_gunicorn_on_the_wsgi_application():
    argv = command("web")
    assert argv[0] == "gunicorn"
    assert "hub.wsgi:application" in argv
    bind = argv[argv.index("--bind") + 1] if "--bind" in argv else ""
    assert bind == "0.0.0.0:8000" or "--bind=0.0.0.0:8000" in argv
    # The worker count comes from the environment, not a number fixed in the file.
    workers = " ".join(argv[argv.index("--workers") :][:2])
    assert REFERENCE.search(workers)


def test_worker_runs_celery_worker():
    argv = command("worker")
    assert argv[:4] == ["celery", "-A", "hub", "worker"]
    assert "--loglevel=info" in argv


def test_beat_runs_celery_beat():
    argv = command("beat")
    assert argv[:4] == ["celery", "-A", "hub", "beat"]
    # The image's /app is read-only to the unprivileged user, so the schedule file lives
    # elsewhere.
    schedule = [part for part in argv if part.startswith(("--schedule", "-s"))]
    assert schedule, "beat needs a writable --schedule path"


def test_migrations_run_once_before_the_app_starts():
    assert command("migrate") == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["migrate"]["restart"] == "no"
    assert depends_on("migrate")["db"]["condition"] == "service_healthy"
    for service in APP_SERVICES:
        assert depends_on(service)["migrate"]["condition"] == "service_completed_successfully"


def test_app_services_share_one_image_built_from_the_dockerfile():
    builds = {str(SERVICES[service].get("build")) for service in CODE_SERVICES}
    images = {SERVICES[service].get("image") for service in CODE_SERVICES}
    assert builds == {"."}
    assert len(images) == 1


# --- docker-compose.yml: db and redis ---------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "image", "probe"),
    [("db", "postgres:15", "pg_isready"), ("redis", "redis:7", "redis-cli ping")],
)
def test_backing_services_have_healthchecks_and_named_volumes(service, image, probe):
    assert SERVICES[service]["image"] == image
    assert probe in healthcheck_text(service)
    sources = volume_sources(service)
    assert sources, f"{service} keeps its data in a volume"
    declared = set(COMPOSE.get("volumes") or {})
    for source in sources:
        assert source in declared, f"{service} volume {source!r} is not a declared named volume"


def test_backups_run_daily_encrypted_pruned_and_rehearsed_into_their_own_volume():
    argv = command("backup")
    assert argv[:3] == ["python", "manage.py", "backup"]
    assert "--prune" in argv
    assert any(part.startswith("--daily-at=") for part in argv)
    assert any(part.startswith("--rehearse-on=") for part in argv)
    assert "backups" in volume_sources("backup") and "backups" in (COMPOSE.get("volumes") or {})
    assert environment("backup")["BACKUP_DIR"] == "/backups"
    # The backups volume is the hub user's in the image (a new named volume copies that).
    final = " ".join(arguments for keyword, arguments in final_stage() if keyword == "RUN")
    assert "/backups" in final and "chown hub:hub /app/media /backups" in final
    assert "postgresql-client" in final and "gpg" in final


def test_redis_never_evicts_queued_tasks_and_persists_them():
    argv = command("redis")
    assert argv[argv.index("--maxmemory-policy") + 1] == "noeviction"
    assert argv[argv.index("--appendonly") + 1] == "yes"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(service):
    dependencies = depends_on(service)
    assert dependencies["db"]["condition"] == "service_healthy"
    assert dependencies["redis"]["condition"] == "service_healthy"


def test_web_has_an_http_healthcheck_and_publishes_port_8000():
    text = healthcheck_text("web")
    assert "8000" in text
    assert '"/"' in text or "http://" in text
    assert any(str(port).endswith(":8000") for port in SERVICES["web"].get("ports", []))


# --- docker-compose.yml: environment and secrets ----------------------------------------------


@pytest.mark.parametrize("service", CODE_SERVICES)
def test_app_services_get_their_configuration_from_the_environment(service):
    env = environment(service)
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        assert env.get(name), f"{service} lacks {name}"
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_app_services_share_one_environment():
    environments = [environment(service) for service in CODE_SERVICES]
    assert all(env == environments[0] for env in environments)


def test_production_settings_are_all_passed_through():
    env = environment("web")
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SECURE_COOKIES",
        "BEHIND_PROXY",
        "SECURE_HSTS_SECONDS",
    ):
        assert name in env, name


def test_secrets_are_references_never_literal_values():
    for name in SECRET_NAMES | {"EMAIL_HOST_PASSWORD"}:
        values = all_environment_values(name)
        assert values, f"{name} is not passed anywhere"
        for value in values:
            match = REFERENCE.fullmatch(value)
            assert match, f"{name} has a literal value in docker-compose.yml"
            assert match["name"] == name
    # The required secrets stop `docker compose` when unset, rather than defaulting.
    for name in SECRET_NAMES:
        for value in all_environment_values(name):
            assert REFERENCE.fullmatch(value)["op"] == ":?", f"{name} must be ${{{name}:?...}}"
    # DATABASE_URL embeds the password by reference only.
    for value in all_environment_values("DATABASE_URL"):
        match = re.match(r"postgres(?:ql)?://(\$\{[^}]*\}|[^:@]*):(?P<password>[^@]*)@", value)
        assert match, value
        password = REFERENCE.fullmatch(match["password"])
        assert password and password["name"] == "POSTGRES_PASSWORD"


def test_optional_values_default_rather_than_pass_an_empty_override():
    # settings.py treats a set-but-empty variable as "" rather than its default, so every
    # optional reference carries a default (an empty one only where "" is the default too).
    for service in CODE_SERVICES:
        for name, value in environment(service).items():
            for match in REFERENCE.finditer(value):
                assert match["op"] in (":-", ":?"), f"{name}: {match.group(0)} has no default"


def test_compose_passes_the_app_only_variables_that_settings_reads():
    read = settings_names()
    assert {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"} <= read  # the pattern still matches
    for service in CODE_SERVICES:
        unknown = set(environment(service)) - read
        assert not unknown, f"{service} passes {sorted(unknown)}, which settings.py never reads"


def test_boolean_settings_get_values_settings_understands():
    words = {"1", "true", "yes", "on", "0", "false", "no", "off"}
    env = environment("web")
    for name in bool_settings_names() & set(env):
        match = REFERENCE.fullmatch(env[name])
        default = match["rest"] if match else env[name]
        assert default.lower() in words, f"{name} defaults to {default!r}"


def test_env_example_documents_every_variable_the_compose_file_uses():
    used = {match["name"] for text in strings(COMPOSE) for match in REFERENCE.finditer(text)}
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert used <= listed, f"missing from .env.example: {sorted(used - listed)}"
    assert listed <= used, f"not used by docker-compose.yml: {sorted(listed - used)}"
    # The example carries no secret: the required ones are left blank.
    for name in SECRET_NAMES:
        assert re.search(rf"^{name}=$", example, flags=re.MULTILINE), name


# --- Dockerfile and .dockerignore -------------------------------------------------------------


def test_dockerfile_builds_assets_with_node_then_runs_on_python():
    images = [
        arguments.split()[0]
        for keyword, arguments in dockerfile_instructions()
        if keyword == "FROM"
    ]
    assert images[0] == "node:20-slim"
    assert images[-1] == "python:3.11-slim-bookworm"
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    assert any("npm ci" in run for run in runs)
    assert any("npm run build" in run for run in runs)
    copies = [arguments for keyword, arguments in final_stage() if keyword == "COPY"]
    assert any(copy.startswith("--from=") and "static_build" in copy for copy in copies)


def test_dockerfile_installs_dependencies_from_pyproject():
    stage = final_stage()
    copies = [arguments for keyword, arguments in stage if keyword == "COPY"]
    assert any("pyproject.toml" in copy.split()[:-1] for copy in copies)
    runs = [arguments for keyword, arguments in stage if keyword == "RUN"]
    assert any(re.search(r"\bpip install (--?\S+ )*\.(\s|$)", run) for run in runs)
    # WeasyPrint's system libraries.
    apt = " ".join(run for run in runs if "apt-get install" in run)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-liberation"):
        assert package in apt, package


def test_dockerfile_collects_static_files_with_throwaway_settings():
    stage = final_stage()
    runs = [arguments for keyword, arguments in stage if keyword == "RUN"]
    collect = [run for run in runs if "manage.py collectstatic --noinput" in run]
    assert collect
    # Settings refuse to load without DATABASE_URL, and without SECRET_KEY they would write
    # a .secret_key file into the image.
    assert "DATABASE_URL=" in collect[0]
    assert "SECRET_KEY=" in collect[0]
    # Neither dummy value outlives that one command.
    for keyword, arguments in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            assert "SECRET_KEY" not in arguments
            assert "DATABASE_URL" not in arguments


def test_dockerfile_does_not_run_as_root():
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "the image needs a USER line"
    user = users[-1].split(":", 1)[0]
    assert user not in ("root", "0")
    exposes = [arguments for keyword, arguments in final_stage() if keyword == "EXPOSE"]
    assert "8000" in " ".join(exposes)


def test_dockerignore_keeps_local_and_secret_files_out_of_the_image():
    lines = {line.strip().strip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (
        ".venv",
        "node_modules",
        ".pgdata",
        "staticfiles",
        "static_build",
        ".git",
        "media",
        "backups",
        ".secret_key",
        ".env",
    ):
        assert entry in lines, entry


# --- gunicorn.conf.py -------------------------------------------------------------------------


def test_web_runs_gunicorn_with_the_hubs_gunicorn_config():
    argv = command("web")
    assert argv[argv.index("--config") + 1] == "gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_gunicorn_logs_json_with_no_access_log_and_shares_metrics_across_workers(
    monkeypatch, tmp_path
):
    import runpy

    # The file sets the multiprocess directory only where none is set (here: this test's).
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    logging_conf = conf["logconfig_dict"]
    assert logging_conf["formatters"]["json"]["()"] == "core.logs.JsonFormatter"
    handlers = logging_conf["handlers"]
    assert all(handler["formatter"] == "json" for handler in handlers.values())
    # gunicorn turns its access log on with any logging configuration: it must stay silent.
    access = logging_conf["loggers"]["gunicorn.access"]
    assert access["handlers"] == [] and access["propagate"] is False
    assert access["level"] == "CRITICAL"
    assert "accesslog" not in conf
    # The workers' request figures are kept where /metrics adds them up.
    assert conf["METRICS_DIR"] == str(tmp_path / "metrics")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "stale.db").write_bytes(b"")
    conf["on_starting"](None)
    assert list((tmp_path / "metrics").iterdir()) == []
