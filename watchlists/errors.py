"""Domain errors of the watchlist package, each with a message meant for people."""


class WatchlistError(Exception):
    """Base class: something the user can fix, with a message that says what."""


class ArticleError(WatchlistError):
    """One input (a file, or one record of a JSON file) could not be read as an article."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class ModelError(WatchlistError):
    """The language model is missing or is not the one we verified."""


class EntityNotFound(WatchlistError):
    """No entity matches what the user asked for."""
