import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
application = get_wsgi_application()

# Any WSGI server (granian by `smmpanel serve`, gunicorn, ...) refuses to serve without a public
# address: the links in e-mails would otherwise have none to be built from.
from smmpanel import publicurl  # noqa: E402  (after Django is set up)

publicurl.require()
