"""The operator's own Admin API key in the back-office: issued on request, shown once, replaced,
recorded under the operator; any staff role may have one."""

import pytest

from smmpanel.adminapi.keys import authenticate_staff_key
from smmpanel.adminapi.models import StaffApiKey
from smmpanel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _key_on(page: str) -> str:
    return page.split('<p class="key">')[1].split("</p>")[0]


@pytest.mark.parametrize("role", ["admin_op", "support_op"])
def test_an_operator_issues_and_replaces_their_own_key(request, role):
    client = request.getfixturevalue(role)
    page = client.get("/backoffice/admin-api/")
    assert page.status_code == 200 and b"Issue a key" in page.content
    issued = client.post("/backoffice/admin-api/key/")
    assert issued.status_code == 200 and issued["Cache-Control"] == "no-store"
    key = _key_on(issued.content.decode())
    user = authenticate_staff_key(key)
    assert user.pk == int(client.session["_auth_user_id"])
    # The key is shown once: the page shows its first characters only.
    again = client.get("/backoffice/admin-api/").content.decode()
    assert key not in again and key[:6] in again and "Replace the key" in again
    new_key = _key_on(client.post("/backoffice/admin-api/key/").content.decode())
    assert StaffApiKey.objects.get(user=user).hint == new_key[:6]
    assert [entry.actor for entry in AuditEntry.objects.filter(action="staff.api_key")] == [
        user,
        user,
    ]


def test_a_key_is_issued_by_post_only(admin_op):
    assert admin_op.get("/backoffice/admin-api/key/").status_code == 405
    assert not StaffApiKey.objects.exists()


def test_a_visitor_is_sent_to_log_in(client):
    response = client.post("/backoffice/admin-api/key/")
    assert response.status_code == 302 and not StaffApiKey.objects.exists()
