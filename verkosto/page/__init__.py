"""What solara serves for ``verkosto dashboard``: the page of :mod:`verkosto.dashboard_app`.

A package of its own because solara looks for page templates in ``templates/`` beside the
app's directory (its parent): served as ``verkosto.page``, that is ``verkosto/templates``,
which holds the page's own loading screen (see :mod:`verkosto.dashboard`). Served as
``verkosto.dashboard_app`` it would be a ``templates/`` beside the installed package.
"""

from verkosto.dashboard_app import Page

__all__ = ["Page"]
