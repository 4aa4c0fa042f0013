"""A minimal Django project serving the demo government site, with eldermode wrapped around its ASGI app."""
