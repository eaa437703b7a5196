"""verkosto's front door: the ``verkosto`` command line and the trainer's dashboard.

The simulation itself is in :mod:`model`; named situations are in :mod:`scenarios`.
"""
