"""An example host application for zcron.

``configure.zcml`` registers the job runners of ``jobs.py`` and an event
subscriber, and declares jobs (``declared.py``, ``scheduler.ini``, the
plugin's entry point in setup.py); ``python -m zcron.demo`` and ``examples/hostapp/buildout.cfg``
both use it.
"""
