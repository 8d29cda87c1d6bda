"""Every addon is a well-formed Odoo 18.0 addon: manifest keys, files, layout."""

import os
import re
import subprocess
import sys

from conftest import ROOT, read_manifest

REQUIRED_KEYS = {"name", "summary", "version", "category", "website", "author", "license"}


def test_manifest_keys(addon):
    manifest = read_manifest(addon)
    assert REQUIRED_KEYS <= set(manifest)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "LGPL-3"
    assert manifest["installable"] is True


def test_manifest_files_exist(addon):
    manifest = read_manifest(addon)
    for key in ("data", "demo"):
        for path in manifest.get(key, []):
            assert os.path.isfile(os.path.join(ROOT, addon, path)), f"{addon}: {path} missing"


def test_addon_layout(addon):
    for path in (
        "__init__.py",
        "pyproject.toml",
        "README.rst",
        "readme/DESCRIPTION.md",
        "static/description/icon.png",
        "static/description/index.html",
        "tools/__init__.py",
        "tests/__init__.py",
        "i18n/fr.po",
    ):
        assert os.path.isfile(os.path.join(ROOT, addon, path)), f"{addon}: {path} missing"


def test_tools_do_not_import_odoo(addon):
    tools = os.path.join(ROOT, addon, "tools")
    for name in os.listdir(tools):
        if name.endswith(".py"):
            with open(os.path.join(tools, name), encoding="utf-8") as source:
                text = source.read()
            assert not re.search(r"^\s*(from|import) odoo", text, re.M), f"{addon}/tools/{name}"
            assert not re.search(r"^\s*from \.\.", text, re.M), f"{addon}/tools/{name}"


def test_readme_and_apps_page_are_made_from_the_fragments(addon):
    # README.rst and static/description/index.html are made by setup/readme from readme/*.md
    # (as OCA's oca-gen-addon-readme does): a fragment edited without running it fails here
    for name in ("DESCRIPTION.md", "CONFIGURE.md", "USAGE.md", "ROADMAP.md"):
        assert os.path.isfile(os.path.join(ROOT, addon, "readme", name)), f"{addon}: {name}"
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "setup", "readme"), "--check", addon],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
