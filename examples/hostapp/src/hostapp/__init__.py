"""An example host application for zcron.

``configure.zcml`` registers the job runners of ``jobs.py`` and an event
subscriber; ``python -m zcron.demo`` and ``examples/hostapp/buildout.cfg``
both use it.
"""
