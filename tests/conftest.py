"""Shared helpers of the pure-Python tests.

Each addon's ``__init__.py`` imports Odoo, so the pure ``tools/`` modules are loaded by file
path, without importing the addon package.
"""

import ast
import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["billing_fr_compliance", "billing_dunning", "billing_project_link"]
collect_ignore = ["bench"]


def load_tool(addon, module):
    """Import ``<addon>/tools/<module>.py`` by path, as ``<addon>_tools.<module>``."""
    name = f"{addon}_tools.{module}"
    if name in sys.modules:
        return sys.modules[name]
    package = f"{addon}_tools"
    if package not in sys.modules:
        init = os.path.join(ROOT, addon, "tools", "__init__.py")
        spec = importlib.util.spec_from_file_location(
            package, init, submodule_search_locations=[os.path.dirname(init)]
        )
        pkg = importlib.util.module_from_spec(spec)
        sys.modules[package] = pkg
        spec.loader.exec_module(pkg)
    path = os.path.join(ROOT, addon, "tools", f"{module}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def load_test_helper(addon, module):
    """Import ``<addon>/tests/<module>.py`` by path (a helper without Odoo import that the Odoo
    tests use too, such as ``shared_data``), as ``<addon>_tests.<module>``."""
    name = f"{addon}_tests.{module}"
    if name not in sys.modules:
        path = os.path.join(ROOT, addon, "tests", f"{module}.py")
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


# the official example files, read from ../shared/data beside the repository
shared_data = load_test_helper("billing_fr_compliance", "shared_data")


def read_manifest(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read().split("\n", 1)[1])


@pytest.fixture(params=ADDONS)
def addon(request):
    return request.param
