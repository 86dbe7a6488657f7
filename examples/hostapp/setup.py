"""hostapp: a tiny host application for zcron's demo and buildout example."""
from setuptools import find_packages, setup

setup(
    name="hostapp",
    version="1.0",
    description=("Example host application registering zcron job runners in ZCML "
                 "and declaring jobs the four ways"),
    license="ZPL-2.1",
    package_dir={"": "src"},
    packages=find_packages("src"),
    package_data={"hostapp": ["*.zcml", "*.ini"]},
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=["zcron"],
    # zcron finds its plugins by this group once the host is installed.
    entry_points={"zcron.plugins": ["rotate-logs = hostapp.declared:RotateLogs"]},
)
