"""Errors that name the input and the problem, so pages and the command line can show them as they are."""


class InputError(ValueError):
    """A file, row or item that cannot become an article.

    ``str(err)`` reads ``path[: where]: problem`` so that a user can find the offender.
    """

    def __init__(self, path: str, problem: str, where: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.where = where
        location = f"{self.path}: {where}" if where else self.path
        super().__init__(f"{location}: {problem}")


class ConfigError(ValueError):
    """A setting with a value that is not allowed; the message names the key and the allowed values."""
