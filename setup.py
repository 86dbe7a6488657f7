"""For zc.buildout's ``develop = .``: the metadata is in pyproject.toml."""
from setuptools import setup

setup()
