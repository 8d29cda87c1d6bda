"""Files every billing addon carries the same copy of (each addon installs alone, so they
cannot share one): the copies stay identical."""

import filecmp
import os

import pytest
from conftest import ADDONS, ROOT

SHARED = [
    "models/mail_thread.py",  # messages and activities that never block (posted by the bot)
    "models/res_lang.py",  # the demo's French
    "tests/security_common.py",  # the helpers of each addon's tests/test_security.py
]


@pytest.mark.parametrize("path", SHARED)
def test_copies_are_identical(path):
    first, *others = (os.path.join(ROOT, addon, path) for addon in ADDONS)
    for other in others:
        assert filecmp.cmp(first, other, shallow=False), "%s differs from %s" % (other, first)


# files two addons carry (the onboarding tours of billing_project_link and billing_dunning)
SHARED_BY = {
    "models/web_tour_tour.py": ("billing_project_link", "billing_dunning"),
    # who posted a customer document: the operator of the quality and lead-time reports
    "models/account_move_operator.py": ("billing_fr_compliance", "billing_project_link"),
    "models/res_users.py": ("billing_project_link", "billing_dunning"),
}


@pytest.mark.parametrize("path", sorted(SHARED_BY))
def test_copies_of_some_addons_are_identical(path):
    first, *others = (os.path.join(ROOT, addon, path) for addon in SHARED_BY[path])
    for other in others:
        assert filecmp.cmp(first, other, shallow=False), "%s differs from %s" % (other, first)
