"""Composition root: settings, wiring and the `helpdesk` command line."""
