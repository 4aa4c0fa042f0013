"""The ASGI entry point, with eldermode around Django's application: the whole integration is the last line.

Run it from examples/django_site/: ``uvicorn govsite.asgi:application --port 8003``
"""

import os

from django.core.asgi import get_asgi_application

from eldermode.middleware import ElderModeMiddleware, Settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsite.settings")

application = ElderModeMiddleware(get_asgi_application(), settings=Settings())
