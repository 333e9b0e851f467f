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


class ExportError(RuntimeError):
    """An export that could not be made or written, and what to do about it.

    Raised for PNG, SVG and PDF charts when no Chromium-family browser is found or the browser
    fails (the message names what is missing and how to install it, so a page can show it as it is
    and still offer the HTML export, which needs no browser), and when a data file cannot be
    written (the message names the file and says the file that was there is unchanged).
    """
