"""Errors that the CLI reports as one clear line (no traceback unless -v)."""


class UserError(Exception):
    """A problem the user can fix: bad input, configuration or environment."""


class ConfigError(UserError):
    """A setting is missing, unknown, of the wrong type or unusable."""


class DatabaseError(UserError):
    """The database URL is malformed or the database cannot be reached."""
