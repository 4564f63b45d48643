"""Building the watchlist from news articles (and, later, from official lists)."""
import logging

# A library logs; the application decides where to (the CLI and the web app configure handlers).
logging.getLogger(__name__).addHandler(logging.NullHandler())
