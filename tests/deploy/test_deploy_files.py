"""The deployment files of deploy/: what can be checked without Docker or systemd running."""

import fnmatch
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS = (ROOT / "smmpanel" / "settings.py").read_text()


def _instructions(name: str) -> list[list[str]]:
    lines = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    return [line.split()[1:] for line in lines if line.split()[:1] == [name]]


def _ignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def test_dockerfile_copies_only_what_exists_in_the_build_context():
    copies = _instructions("COPY")
    assert copies
    for *sources, _target in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not _ignored(source), source
    assert _ignored(".venv")
    assert _ignored(".git")


def test_dockerfile_runs_smmpanel_as_a_user_on_python_3_11():
    assert _instructions("FROM") == [["python:3.11-slim"]]
    assert _instructions("USER") == [["smmpanel"]]
    assert any("pip install ." in " ".join(run) for run in _instructions("RUN"))
    (cmd,) = _instructions("CMD")
    assert " ".join(cmd).startswith('["smmpanel", "serve"')


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_several_api_servers_and_workers_on_postgresql_and_redis():
    services = _compose()["services"]
    assert {"api", "worker", "postgres", "redis", "migrate", "proxy"} <= set(services)
    assert services["api"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["api"]["command"][:2] == ["smmpanel", "serve"]
    assert services["worker"]["command"] == ["smmpanel", "worker"]
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["SMMPANEL_DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["SMMPANEL_DATABASE_URL"]
        assert env["SMMPANEL_REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / services[name]["build"]["context"] / "deploy" / "Dockerfile").exists()


def test_compose_sets_only_variables_the_settings_read():
    for service in _compose()["services"].values():
        for name in service.get("environment", {}):
            if name.startswith("SMMPANEL_"):
                assert f'"{name}"' in SETTINGS, name


def test_every_deployment_sets_the_public_url():
    """`smmpanel serve` refuses to start without it: compose requires it, the units' file has it."""
    for name in ("api", "worker", "migrate"):
        env = _compose()["services"][name]["environment"]
        assert env["SMMPANEL_PUBLIC_URL"].startswith("${SMMPANEL_PUBLIC_URL:?"), name
    example = (DEPLOY / "systemd" / "env.example").read_text()
    assert re.search(r"^SMMPANEL_PUBLIC_URL=https://\S+$", example, re.M)
    assert "SMMPANEL_PUBLIC_URL=" in (DEPLOY / "check").read_text()


def test_compose_mounts_files_that_exist():
    for service in _compose()["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), source


def test_systemd_units_run_the_commands_of_the_cli():
    serve = (DEPLOY / "systemd" / "smmpanel-serve@.service").read_text()
    worker = (DEPLOY / "systemd" / "smmpanel-worker@.service").read_text()
    assert re.search(r"^ExecStart=\S+/smmpanel serve .*--port %i$", serve, re.M)
    assert re.search(r"^ExecStart=\S+/smmpanel worker$", worker, re.M)
    for line in (DEPLOY / "systemd" / "env.example").read_text().splitlines():
        if line.startswith("SMMPANEL_"):
            assert f'"{line.split("=")[0]}"' in SETTINGS, line


@pytest.mark.skipif(
    not shutil.which("systemd-analyze") and not shutil.which("docker"),
    reason="neither systemd-analyze nor docker is installed",
)
def test_deploy_check_passes_with_the_tools_of_this_machine():
    smmpanel = Path(sys.executable).parent / "smmpanel"
    result = subprocess.run(
        [str(DEPLOY / "check"), str(smmpanel)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deploy:" in result.stdout
