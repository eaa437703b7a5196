"""Errors the ``verkosto`` command line reports to the user as bad input.

Anything a user can get wrong (a file, a key, a value, an output path) raises
:class:`InputError`; :func:`verkosto.cli.main` turns it into one line on stderr
and exit status 2, without a traceback.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from the user.

    The message should name the file, the key, the value and what is allowed,
    so that the user can fix it without reading code.
    """
