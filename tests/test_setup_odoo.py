"""setup/odoo: Odoo 18.0's requirement pins, its sources (archive, git), and a real bootstrap.

The bootstrap test installs Odoo and every package into a new virtual environment (minutes):
it runs only with BILLING_TEST_BOOTSTRAP=1 (CI does), from ODOO_SRC or else the source tree of
the Odoo that this Python imports.
"""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import tarfile
import time
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "setup", "odoo")
RELEASE = "version_info = (%s, 0, 0, FINAL, 0, '')\nseries = '%s.0'\n"


def load_setup_odoo():
    loader = importlib.machinery.SourceFileLoader("setup_odoo", SCRIPT)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


setup_odoo = load_setup_odoo()

ODOO_REQUIREMENTS = """\
# The officially supported versions of the following packages are their
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
psycopg2==2.9.5 ; python_version == '3.11'
psycopg2==2.9.9 ; python_version >= '3.12' # (Noble) Mostly to have a wheel package
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12' # min version
pytz  # no version pinning to avoid OS perturbations
"""


def test_requirements_pins_fixed_in_one_place():
    fixed = setup_odoo.fix_requirements(ODOO_REQUIREMENTS).splitlines()
    assert fixed == [
        "cbor2==5.6.2 ; python_version < '3.12'",
        "cbor2==5.6.2 ; python_version >= '3.12'",
        "psycopg2-binary==2.9.5 ; python_version == '3.11'",
        "psycopg2-binary==2.9.9 ; python_version >= '3.12'",
        "pytz",
    ]


def fake_tree(folder, major=18):
    os.makedirs(os.path.join(folder, "odoo"))
    with open(os.path.join(folder, "odoo", "release.py"), "w", encoding="utf-8") as f:
        f.write(RELEASE % (major, major))
    return folder


def test_source_from_folder_and_archives(tmp_path):
    tree = fake_tree(str(tmp_path / "odoo-18.0"))
    assert setup_odoo.fetch_source(tree, str(tmp_path / "unused")) == tree
    tgz = str(tmp_path / "odoo.tar.gz")
    with tarfile.open(tgz, "w:gz") as archive:
        archive.add(tree, arcname="odoo-18.0")
    root = setup_odoo.fetch_source(tgz, str(tmp_path / "from-tgz"))
    assert root.endswith("odoo-18.0") and setup_odoo.odoo_series(root) == "18.0"
    # a URL to an archive is downloaded first (file:// stands for https:// here)
    root = setup_odoo.fetch_source("file://" + tgz, str(tmp_path / "from-url"))
    assert setup_odoo.odoo_series(root) == "18.0"
    zipped = str(tmp_path / "odoo.zip")
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("odoo-18.0/odoo/release.py", RELEASE % (18, 18))
    assert setup_odoo.odoo_series(setup_odoo.fetch_source(zipped, str(tmp_path / "zip"))) == "18.0"


def test_source_of_another_version_is_refused(tmp_path):
    tgz = str(tmp_path / "odoo-17.tar.gz")
    with tarfile.open(tgz, "w:gz") as archive:
        archive.add(fake_tree(str(tmp_path / "odoo-17.0"), major=17), arcname="odoo-17.0")
    with pytest.raises(setup_odoo.SetupError, match="holds Odoo 17.0, not Odoo 18.0"):
        setup_odoo.fetch_source(tgz, str(tmp_path / "out"))
    with pytest.raises(setup_odoo.SetupError, match="neither a folder, an archive nor a git"):
        setup_odoo.fetch_source(str(tmp_path / "missing"), str(tmp_path / "out"))
    with pytest.raises(setup_odoo.SetupError, match="Downloading .* failed"):
        setup_odoo.fetch_source("file://%s/none.tar.gz" % tmp_path, str(tmp_path / "out"))


def test_source_from_git_branch(tmp_path):
    repo = fake_tree(str(tmp_path / "repo"))
    git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git[:3], "init", "-q", "-b", "18.0"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "odoo"], check=True)
    root = setup_odoo.fetch_source("file://" + repo, str(tmp_path / "src"))
    assert setup_odoo.odoo_series(root) == "18.0"
    with pytest.raises(setup_odoo.SetupError, match="git clone of .* failed"):
        setup_odoo.fetch_source("file://%s#17.0" % repo, str(tmp_path / "src2"))


def test_wkhtmltopdf_without_patched_qt_warns(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "wkhtmltopdf"
    fake.write_text("#!/bin/sh\necho 'wkhtmltopdf 0.12.6'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert setup_odoo.check_wkhtmltopdf() is False
    warning = capsys.readouterr().err
    assert "without patched qt" in warning and "0.12.6.1 (with patched qt)" in warning
    fake.write_text("#!/bin/sh\necho 'wkhtmltopdf 0.12.6.1 (with patched qt)'\n")
    assert setup_odoo.check_wkhtmltopdf() is True


def test_no_postgresql_cluster_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither pg_isready nor pg_lsclusters
    with pytest.raises(SystemExit, match="install it \\(sudo apt install postgresql\\)"):
        setup_odoo.ensure_postgres()


def test_venv_module_missing_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(setup_odoo, "base_python", lambda: "/bin/false")  # `-m venv` fails
    venv = tmp_path / "venv"
    with pytest.raises(setup_odoo.SetupError, match="sudo apt install python3-venv"):
        setup_odoo.make_venv(str(venv), src=str(tmp_path))
    assert not venv.exists()  # a half-made environment is not reused by the next run


def odoo_source():
    if os.environ.get("ODOO_SRC"):
        return os.environ["ODOO_SRC"]
    root, _why = setup_odoo.probe(sys.executable)
    return root


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ODOO_PATH")}
    env.pop("BILLING_ODOO_VENV", None)
    env.update(extra)
    return env


@pytest.mark.skipif(
    not os.environ.get("BILLING_TEST_BOOTSTRAP"),
    reason="installs Odoo into a new virtual environment (minutes): BILLING_TEST_BOOTSTRAP=1",
)
def test_bootstrap_makes_an_environment_with_odoo_and_the_addons_packages(tmp_path):
    src = odoo_source()
    assert src, "set ODOO_SRC to an Odoo 18.0 source (no Odoo importable here)"
    venv = str(tmp_path / "venv")
    env = clean_env(ODOO_SRC=src)
    cmd = [sys.executable, SCRIPT, "--venv", venv]
    started = time.time()
    made = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, check=False)
    print("bootstrap took %.0f s" % (time.time() - started))
    assert made.returncode == 0, made.stderr[-3000:]
    check = (
        "import importlib.util, odoo, odoo.release, facturx, phonenumbers, stdnum, saxonche, "
        "fontTools, psycopg2, pytest, ruff, pylint_odoo\n"
        "assert importlib.util.find_spec('odoo.addons.queue_job')\n"
        "print(odoo.release.series, odoo.__file__)"
    )
    python = os.path.join(venv, "bin", "python")
    out = subprocess.run(
        [python, "-c", check], env=clean_env(), cwd="/", capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    series, odoo_file = out.stdout.split()
    assert series == "18.0"
    if os.path.isdir(src):
        assert odoo_file.startswith(os.path.realpath(src) + os.sep) or odoo_file.startswith(
            os.path.abspath(src) + os.sep
        )
    # a second run reuses the environment (its stamp): nothing installed again
    started = time.time()
    again = subprocess.run(cmd, env=env, cwd="/", capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "installing" not in again.stderr, again.stderr
    assert time.time() - started < 60
