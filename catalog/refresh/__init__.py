"""Refreshing entries from the hubs, by step: fetch.py, apply.py, dispatch.py, discovery.py."""
