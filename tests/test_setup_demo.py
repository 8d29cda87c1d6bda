"""setup/demo stops only its own demo server of the same database, or the one on the port it
needs: ``setup/demo --no-server --db OTHER`` leaves a running demo of another database alone."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_setup_demo():
    loader = importlib.machinery.SourceFileLoader("setup_demo", os.path.join(ROOT, "setup", "demo"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


setup_demo = load_setup_demo()


@pytest.fixture
def demo_server(tmp_path, monkeypatch):
    """A process with a demo server's command line (sleeping), its pid in var/demo.pid."""
    monkeypatch.setattr(setup_demo, "VAR", str(tmp_path))
    sleeper = "import time; time.sleep(120)"
    args = ["odoo", "--database", "billing_demo", "--http-port", "18069"]
    proc = subprocess.Popen([sys.executable, "-c", sleeper, *args])
    pidfile, _log = setup_demo.server_files("billing_demo")
    with open(pidfile, "w", encoding="utf-8") as f:
        f.write(str(proc.pid))
    time.sleep(0.3)  # its command line is in /proc once exec'd
    yield proc
    proc.kill()
    proc.wait()


def test_no_server_of_another_database_keeps_the_running_demo(demo_server):
    assert setup_demo.demo_servers()
    setup_demo.stop_previous_servers("other_db", None)  # setup/demo --no-server --db other_db
    assert demo_server.poll() is None
    setup_demo.stop_previous_servers("other_db", 8069)  # another database, another port
    assert demo_server.poll() is None


def test_same_database_or_same_port_stops_it(demo_server, tmp_path):
    setup_demo.stop_previous_servers("other_db", 18069)  # the new server needs its port
    assert demo_server.wait(timeout=10) is not None
    assert not os.listdir(tmp_path)


def test_recreating_its_database_stops_it(demo_server, tmp_path):
    setup_demo.stop_previous_servers("billing_demo", None)
    assert demo_server.wait(timeout=10) is not None
    assert not os.listdir(tmp_path)


def test_stale_pid_file_is_dropped_without_killing(tmp_path, monkeypatch):
    monkeypatch.setattr(setup_demo, "VAR", str(tmp_path))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        with open(tmp_path / "demo.pid", "w", encoding="utf-8") as f:
            f.write(str(other.pid))  # a pid reused by a program that is not a demo server
        setup_demo.stop_previous_servers("billing_demo", 8069)
        assert other.poll() is None
        assert not os.listdir(tmp_path)
    finally:
        other.kill()
        other.wait()
