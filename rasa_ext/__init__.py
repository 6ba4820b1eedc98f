"""Extensions loaded by the Rasa server itself: stores chosen by environment, outage replies,
cheaper action-response validation.

The Rasa server imports this package when it reads endpoints.yml (our tracker and lock stores
live here), which is also when the two patches to RemoteAction are installed.
"""

from rasa_ext import performance, resilience

resilience.install()
performance.install()
