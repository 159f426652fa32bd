"""Joining the movement: the public /join page, the applications it makes."""
