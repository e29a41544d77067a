"""Gluteal assessment: an offline desktop app for physiotherapists assessing buttock complaints."""

__version__ = "0.1.0"
