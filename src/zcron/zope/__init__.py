"""zcron inside Zope (the ``zope`` extra): sites bound to Zope paths,
the run environment that hands their runners the real site object, and
the worker started from a ``zope.conf`` or inside the Zope process.

Include it from the instance's ``site.zcml``: ``<include package="zcron.zope" />``.
"""
