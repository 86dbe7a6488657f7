"""declhost: a host package of zcron's tests, declaring jobs the four ways;
its plugins are found through the real ``zcron.plugins`` entry points."""
from setuptools import setup

setup(
    name="declhost",
    version="1.0",
    description="zcron test host: declared jobs (plugins, decorators, ZCML, scheduler.ini)",
    packages=["declhost"],
    package_data={"declhost": ["*.zcml", "*.ini"]},
    entry_points={
        "zcron.plugins": [
            "cleanup = declhost:CleanupPlugin",
            "dormant = declhost:DormantPlugin",
        ],
    },
)
