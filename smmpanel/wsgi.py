import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
# As django.core.wsgi.get_wsgi_application, with the API's lane's handler (api/middleware.py).
django.setup(set_prefix=False)

from smmpanel import publicurl  # noqa: E402  (after Django is set up)
from smmpanel.api.middleware import LaneHandler  # noqa: E402

application = LaneHandler()

# Any WSGI server (granian by `smmpanel serve`, gunicorn, ...) refuses to serve without a public
# address: the links in e-mails would otherwise have none to be built from.
publicurl.require()
