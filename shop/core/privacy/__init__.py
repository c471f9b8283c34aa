"""Privacy: what the shop keeps about a person, taken out (export) or erased on request.

Each app that keeps personal data registers how to export it, erase it and let it
age out (see registry.py); this app holds the requests, their emails and the log.
"""
