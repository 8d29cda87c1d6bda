"""The official example files the tests read, from ``../shared/data/`` beside the repository.

They are copies of files of public repositories (each folder says where from in its
``SOURCE.md``), so the repository does not carry them: every development machine and CI have
``shared/data/`` next to the clone (``<repository>/../shared/data``); ``BILLING_SHARED_DATA``
names another folder. Where the data is absent (a clone elsewhere), the tests that need it are
skipped with one line naming what is missing; ``.ci/run`` checks that it is there, so CI never
skips them.

The one way every test finds these files. No Odoo import: used by the repo-root pytest and by
the Odoo tests.
"""

import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ENV = "BILLING_SHARED_DATA"

# the folders the tests read, under the shared data folder
CDAR_EXAMPLES = ("xp_z12_014_annexe_b_v1.2", "cdar")  # the 59 CDARs of XP Z12-014 annex B
INVOICE_EXAMPLES = ("xp_z12_014_annexe_b_v1.2", "invoices")  # the invoices of those use cases
FLUX10_EXAMPLES = ("odoo_l10n_fr_pdp_flux10",)  # Odoo's public e-reporting (flux 10) samples


def shared_data_root():
    """The shared data folder: ``$BILLING_SHARED_DATA``, else ``../shared/data`` from the
    repository root."""
    return os.environ.get(ENV) or os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))


def shared_data_path(*parts):
    """Path of ``parts`` under the shared data folder (which may not exist)."""
    return os.path.join(shared_data_root(), *parts)


def shared_data(*parts):
    """Path of ``parts`` under the shared data folder, or None when it is absent."""
    path = shared_data_path(*parts)
    return path if os.path.exists(path) else None


def missing(*parts):
    """The one line of a test skipped because ``parts`` is absent."""
    return (
        "test data %s is missing: the official examples are read from ../shared/data beside "
        "the repository (or $%s); these tests are skipped" % (shared_data_path(*parts), ENV)
    )


def require(*parts):
    """Path of ``parts`` under the shared data folder; skips the calling test (unittest or
    pytest) with one line naming the missing data when it is absent."""
    path = shared_data(*parts)
    if path is None:
        raise unittest.SkipTest(missing(*parts))
    return path
