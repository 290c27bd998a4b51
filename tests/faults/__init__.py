"""The fault suite (issue 7): real processes broken on purpose, then counted."""
