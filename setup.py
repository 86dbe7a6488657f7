from setuptools import find_namespace_packages, setup

with open("README.rst", encoding="utf-8") as f:
    long_description = f.read()

EXTRAS = {
    "zeo": ["ZEO >= 6"],
    # Not RelStorage[postgresql]: that adds psycopg2, which has no Linux
    # wheel (a C build needing libpq-dev) and clobbers psycopg2-binary's
    # files; psycopg2-binary is the same `psycopg2` module, prebuilt.
    "postgresql": ["RelStorage >= 4", "psycopg2-binary"],
    "web": [
        "pyramid >= 2",
        "pyramid_chameleon",
        "pyramid_tm",
        "waitress",
    ],
    "bench": ["APScheduler >= 3.10, < 4", "SQLAlchemy", "psutil"],
    # zcron.zope: inside a Zope instance (its tests build their own
    # environments from tests/envs/*.txt)
    "zope": ["Zope[wsgi] >= 6", "ZEO >= 6"],
    # zcron.plone: the Plone add-on (profiles, the Cron jobs control panel)
    "plone": ["Products.CMFPlone >= 6", "plone.api", "ZEO >= 6"],
}
EXTRAS["test"] = sorted(set(
    EXTRAS["zeo"] + EXTRAS["postgresql"] + EXTRAS["web"] + [
        "pytest >= 8",
        "pytest-cov",
        "pytest-timeout",
        "playwright",
        "zc.buildout",
        "psutil",
        "hypothesis",
    ]
))

setup(
    name="zcron",
    version="0.1.0.dev0",
    description="A cron framework for Zope Component Architecture applications, on ZODB",
    long_description=long_description,
    long_description_content_type="text/x-rst",
    license="ZPL-2.1",
    package_dir={"": "src"},
    packages=find_namespace_packages("src", include=["zcron", "zcron.*"]),
    include_package_data=True,
    package_data={"zcron": ["*.zcml", "web/templates/*.pt", "web/static/*", "zope/*.zcml",
                             "plone/*.zcml", "plone/*.pt", "plone/profiles/*/*.xml"]},
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=[
        "zope.interface",
        "zope.component",
        "zope.configuration",
        "zope.event",
        "transaction",
        "ZODB >= 5.8",
        "BTrees",
        "persistent",
        "zodburi",
        "croniter >= 2",
        "click >= 8.2",
        "venusian >= 3",
    ],
    extras_require=EXTRAS,
    entry_points={
        "console_scripts": ["zcron = zcron.cli:main"],
        "zc.buildout": ["instance = zcron.recipe:Instance"],
        # Plone 6 includes zcron.plone's ZCML like any add-on's
        "plone.autoinclude.plugin": ["target = plone", "module = zcron.plone"],
    },
    classifiers=[
        "Framework :: ZODB",
        "Framework :: Zope",
        "Programming Language :: Python :: 3",
    ],
)
