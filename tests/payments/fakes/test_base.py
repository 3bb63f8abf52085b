"""The fakes' HTTP plumbing routes, records and answers over a real socket."""

import httpx

from tests.payments.fakes.base import FakeGateway, Received, Reply


class Echo(FakeGateway):
    def route_table(self):
        return [("POST", r"/v1/things/(?P<thing>\w+)", self.thing)]

    def thing(self, received: Received) -> Reply:
        return Reply(201, {"thing": received.match["thing"], "sent": received.json()})


def test_a_fake_routes_records_and_answers_over_http():
    with Echo() as fake:
        reply = httpx.post(f"{fake.url}/v1/things/abc", json={"n": 1})
        missing = httpx.get(f"{fake.url}/nowhere")
    assert (reply.status_code, reply.json()) == (201, {"thing": "abc", "sent": {"n": 1}})
    assert missing.status_code == 404
    assert [r.path for r in fake.requests] == ["/v1/things/abc", "/nowhere"]
