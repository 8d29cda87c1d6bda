"""tests/run's own plumbing: Prism set up when missing (setup/prism), skipped tests counted in
the last line, the official example files found in ../shared/data (or skipped, saying so)."""

import importlib.machinery
import importlib.util
import os
import stat
import unittest

import pytest
from conftest import ROOT, shared_data


def load(path, name):
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(ROOT, *path.split("/")))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


tests_run = load("tests/run", "tests_run")
setup_prism = load("setup/prism", "setup_prism")


def test_odoo_skip_lines_are_read():
    # the lines Odoo's test result writes for a test skipped in its method and for a class
    # skipped in setUpClass
    method = (
        "2026-12-06 07:01:02,345 4242 INFO hsmall_t odoo.addons.billing_fr_compliance.tests."
        "test_pa_status: skipped TestPaStatusIn.test_official_examples_of_a_whole_cycle : "
        "test data /x/cdar is missing"
    )
    klass = (
        "2026-12-06 07:01:02,345 4242 INFO hsmall_t odoo.tests.suite: skipped setUpClass "
        "(odoo.addons.billing_fr_compliance.tests.test_billing_pa.TestBillingPa) : Prism (npm "
        "@stoplight/prism-cli) is not installed"
    )
    assert tests_run.SKIP_RE.search(method).group(1) == (
        "TestPaStatusIn.test_official_examples_of_a_whole_cycle"
    )
    assert tests_run.SKIP_RE.search(klass).group(1).startswith("setUpClass (")
    passed = "2026-12-06 07:01:02,345 4242 INFO hsmall_t odoo.addons.x.tests.y: Starting X.t ..."
    assert tests_run.SKIP_RE.search(passed) is None


def test_prism_missing_without_npm_says_how(tmp_path, monkeypatch):
    monkeypatch.setattr(setup_prism, "PREFIX", str(tmp_path / "prism"))
    monkeypatch.setattr(setup_prism, "BINARY", str(tmp_path / "prism" / "bin" / "prism"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(setup_prism.SetupError) as error:
        setup_prism.ensure_prism(say=lambda msg: None)
    assert "npm is missing" in str(error.value)
    assert "apt-get install npm" in str(error.value)
    assert "--no-prism" in str(error.value)


def test_prism_missing_is_installed_with_npm(tmp_path, monkeypatch):
    # an npm that installs what it is asked into --prefix (the real one needs the network)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    npm = bin_dir / "npm"
    npm.write_text(
        "#!/bin/sh\n"
        'echo "$@" > %s\n'
        'mkdir -p "$3/node_modules/.bin" && touch "$3/node_modules/.bin/prism"\n' % calls
    )
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    prefix = tmp_path / "prism"
    monkeypatch.setattr(setup_prism, "PREFIX", str(prefix))
    monkeypatch.setattr(setup_prism, "BINARY", str(prefix / "node_modules" / ".bin" / "prism"))
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % bin_dir)
    said = []
    assert setup_prism.ensure_prism(say=said.append) == setup_prism.BINARY
    assert calls.read_text().split()[:3] == ["install", "--prefix", str(prefix)]
    assert "@stoplight/prism-cli@5.16.0" in calls.read_text()
    # installed: nothing done the second time
    calls.unlink()
    assert setup_prism.ensure_prism(say=said.append) == setup_prism.BINARY
    assert not calls.exists()


def test_shared_data_beside_the_repository(monkeypatch):
    monkeypatch.delenv(shared_data.ENV, raising=False)
    assert shared_data.shared_data_root() == os.path.normpath(
        os.path.join(ROOT, "..", "shared", "data")
    )


def test_shared_data_missing_skips_saying_which(tmp_path, monkeypatch):
    monkeypatch.setenv(shared_data.ENV, str(tmp_path))
    assert shared_data.shared_data(*shared_data.CDAR_EXAMPLES) is None
    with pytest.raises(unittest.SkipTest) as skip:
        shared_data.require(*shared_data.CDAR_EXAMPLES)
    assert str(tmp_path / "xp_z12_014_annexe_b_v1.2" / "cdar") in str(skip.value)
    (tmp_path / "xp_z12_014_annexe_b_v1.2" / "cdar").mkdir(parents=True)
    assert shared_data.require(*shared_data.CDAR_EXAMPLES) == str(
        tmp_path / "xp_z12_014_annexe_b_v1.2" / "cdar"
    )
