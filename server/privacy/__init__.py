"""Privacy: one definition of everything held about a person (registry.py), used to erase
them (erase.py) and to give them a copy (download.py); how long each kind of personal data
is kept, and the clean-up that enforces it (retention.py); the privacy notice (notice.py).
"""
