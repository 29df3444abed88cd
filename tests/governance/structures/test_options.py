"""The framework option of each kind of body, as the decision router reads it on every request:
kept per process, and seen to change at once when the framework changes, wherever it changed."""

from __future__ import annotations

import pytest

from governance.catalogue.models import GovernanceOption, OptionFramework
from governance.structures.models import CommitteeKind
from governance.structures.options import current_options_by_kind
from tests.factories import make_framework
from tests.queries import queries_run_by

pytestmark = pytest.mark.django_db


def test_the_options_by_kind_are_read_once_per_state_of_the_frameworks():
    make_framework()
    first = current_options_by_kind()
    # Asking again reads only the frameworks' versions, not the options.
    assert queries_run_by(current_options_by_kind) == 1
    assert current_options_by_kind() is first


def test_a_change_made_by_another_process_is_seen_by_the_next_request():
    framework = make_framework()
    option = current_options_by_kind()[CommitteeKind.JOINT_COMMITTEE]
    assert option.holds_delegated_authority is True
    # As loading a framework's file in another process would: the row changes, and the
    # framework's version moves with it, with no signal reaching this process's cache.
    GovernanceOption.objects.filter(pk=option.pk).update(holds_delegated_authority=False)
    OptionFramework.objects.filter(pk=framework.pk).update(
        updated_at=framework.updated_at.replace(year=2099)
    )
    changed = current_options_by_kind()[CommitteeKind.JOINT_COMMITTEE]
    assert changed.holds_delegated_authority is False
