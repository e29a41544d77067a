"""Gluteal assessment: an offline desktop app for physiotherapists assessing buttock complaints."""

from importlib.metadata import PackageNotFoundError, version

try:  # one version source: pyproject.toml, as installed
    __version__ = version("gluteal-assess")
except PackageNotFoundError:  # a bundle or a checkout without installing; see pyproject.toml
    __version__ = "0+unknown"
