"""Extensions loaded by the Rasa server itself: stores chosen by environment, outage replies.

The Rasa server imports this package when it reads endpoints.yml (our tracker and lock stores
live here), which is also when the action-server outage handling is installed.
"""

from rasa_ext import resilience

resilience.install()
