"""Rasa custom actions: thin adapters from a Rasa tracker to the `bot` domain package."""
