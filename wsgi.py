"""The WSGI entry point: ``gunicorn wsgi:app``."""
from web import create_app

app = create_app()
