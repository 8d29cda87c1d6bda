"""setup/screenshots: its pure parts (arguments, file names, the Chromium it finds, the PNG it
writes). The script itself drives a browser on a demo database and is not run by tests/run."""

import importlib.machinery
import importlib.util
import io
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "setup", "screenshots")


def load_script():
    loader = importlib.machinery.SourceFileLoader("setup_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


shots = load_script()


def test_defaults():
    args = shots.parse_args([])
    assert args.db == "billing_demo"
    assert (args.url, args.port, args.login, args.password) == (None, None, "admin", "admin")
    assert args.only == []
    assert len(shots.selected_shots(args.only)) == len(shots.SHOTS)


def test_only_some_and_url():
    args = shots.parse_args(
        ["--db", "shots_demo", "--only", "invoice, letter", "--url", "http://localhost:8391/"]
    )
    assert args.only == ["invoice", "letter"]
    assert args.url == "http://localhost:8391"
    assert [name for _addon, name, _cap in shots.selected_shots(args.only)] == [
        "invoice",
        "letter",
    ]


def test_unknown_name_and_url_with_port_are_refused(capsys):
    with pytest.raises(SystemExit):
        shots.parse_args(["--only", "invoice,nope"])
    assert "unknown screenshot nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        shots.parse_args(["--url", "http://localhost:8069", "--port", "8070"])
    assert "give one of them" in capsys.readouterr().err


def test_file_names_are_unique_and_in_each_addon_description():
    paths = [shots.shot_path(addon, name) for addon, name, _cap in shots.SHOTS]
    assert len(set(paths)) == len(paths)
    assert shots.shot_path("billing_dunning", "letter", root="/repo") == (
        "/repo/billing_dunning/static/description/screenshot_letter.png"
    )
    for addon, _name, caption in shots.SHOTS:
        assert os.path.isdir(os.path.join(ROOT, addon, "static", "description"))
        assert caption and caption[0].isupper()


def test_every_screenshot_is_shown_in_the_readme_and_its_apps_page():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for addon, name, _caption in shots.SHOTS:
        relative = "%s/static/description/screenshot_%s.png" % (addon, name)
        assert "(%s)" % relative in readme
        with open(
            os.path.join(ROOT, addon, "static", "description", "index.html"), encoding="utf-8"
        ) as f:
            assert 'src="screenshot_%s.png"' % name in f.read()
        path = os.path.join(ROOT, relative)
        assert os.path.isfile(path), relative
        assert os.path.getsize(path) < 300 * 1024, relative


def test_missing_chromium_says_how_to_get_it():
    with pytest.raises(shots.ScreenshotError) as caught:
        shots.find_chromium(which=lambda name: None)
    assert str(caught.value) == (
        "Chromium not found: install it (Debian/Ubuntu: sudo apt-get install chromium) or "
        "give its path with --chromium."
    )
    with pytest.raises(shots.ScreenshotError, match="Chromium not found at /no/chrome"):
        shots.find_chromium("/no/chrome", which=lambda name: None)
    found = {"chromium-browser": "/usr/bin/chromium-browser"}
    assert shots.find_chromium(which=found.get) == "/usr/bin/chromium-browser"


def test_missing_chromium_stops_the_script_with_one_sentence():
    result = subprocess.run(
        [sys.executable, SCRIPT, "--chromium", "/no/such/chromium"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Chromium not found at /no/such/chromium: give the path of a Chromium or Chrome "
        "executable with --chromium."
    )


def test_chromium_command_is_headless_with_its_own_profile():
    cmd = shots.chromium_command("/usr/bin/chromium", "/tmp/profile")
    assert cmd[0] == "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"):
        assert flag in cmd
    assert "--user-data-dir=/tmp/profile" in cmd
    assert "--remote-debugging-port=0" in cmd
    assert "--window-size=1280,800" in cmd


def test_png_is_optimised_and_keeps_its_size():
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.new("RGB", (1280, 800), "white")
    for x in range(0, 1280, 7):  # a few thousand colours, as an antialiased screen has
        for y in range(0, 800, 50):
            image.putpixel((x, y), (x % 256, y % 256, (x + y) % 256))
    raw = io.BytesIO()
    image.save(raw, format="PNG", compress_level=0)
    data = shots.optimise_png(raw.getvalue())
    assert len(data) < len(raw.getvalue())
    assert image_module.open(io.BytesIO(data)).size == (1280, 800)


def _postgres_answers():
    if not shutil.which("psql"):
        return False
    return subprocess.run(["psql", "--list"], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL to ask for the database")
def test_missing_database_stops_the_script_with_one_sentence():
    result = subprocess.run(
        [sys.executable, SCRIPT, "--db", "billing_no_such_demo_db"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Database billing_no_such_demo_db not found: make it with setup/demo --db "
        "billing_no_such_demo_db --no-server."
    )


def test_platform_screens_are_known_and_taken_in_order():
    names = [name for _addon, name, _cap in shots.SHOTS]
    for name in shots.PA_SHOTS:
        assert name in names
    args = shots.parse_args(["--only", "pa_answer,pa_followup"])
    assert [shot[:2] for shot in shots.selected_shots(args.only)] == [
        ("billing_fr_compliance", "pa_answer"),
        ("billing_dunning", "pa_followup"),
    ]


def test_platform_demo_data_is_python_that_leaves_the_platform_stopped():
    """The code given to odoo shell: valid Python that relies on the addon's demo data (a
    stopped platform that no cron calls, statuses recorded from CDAR files), committed."""
    code = shots.PA_DEMO_DATA
    compile(code, "PA_DEMO_DATA", "exec")
    assert "%(" not in code
    assert repr(shots.PA_PLATFORM) in code
    assert 'env["billing.pa.platform"]._billing_pa_demo_data()' in code
    assert code.rstrip().splitlines()[-2] == "env.cr.commit()"
    demo = os.path.join(ROOT, "billing_fr_compliance", "models", "billing_pa_demo.py")
    with open(demo, encoding="utf-8") as source:
        text = source.read()
    assert 'DEMO_PLATFORM = "%s"' % shots.PA_PLATFORM in text
    assert 'DEMO_REJECTED_REF = "%s"' % shots.PA_REJECTED_REF in text
    assert '"state": "stopped"' in text
    assert "_billing_pa_record_cdar(" in text
