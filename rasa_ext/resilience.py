"""When the action server is down or slow, the patient still gets a reply.

Rasa 3.6 logs a failed custom-action call and carries on silently, so a patient would see nothing.
There is no hook for this, so we wrap `RemoteAction.run` (pinned Rasa version, covered by the
outage tests in tests/integration/test_outages.py): a connection error, a non-2xx answer or a
time-out (ACTION_TIMEOUT seconds, default 10, instead of Rasa's 5 minutes) becomes the domain
response `utter_service_unavailable`. The conversation goes on and the next turn is normal once the
action server is back. Form-validation rejections (HTTP 400) are untouched.
"""

from __future__ import annotations

import asyncio
import logging
import os

import aiohttp
import rasa
import rasa.core.actions.action as rasa_action
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)
FALLBACK_RESPONSE = "utter_service_unavailable"
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    if not rasa.__version__.startswith("3.6."):
        raise RuntimeError(f"rasa_ext.resilience was written for Rasa 3.6, found {rasa.__version__}")
    rasa_action.DEFAULT_REQUEST_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT", "10"))
    original_run = RemoteAction.run

    async def run_or_apologise(self, output_channel, nlg, tracker, domain):
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except (RasaException, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error(
                "Action server unavailable for '%s' (%s: %s); told the patient to try again or call the clinic.",
                self.name(), type(error).__name__, error,
            )
            message = await nlg.generate(FALLBACK_RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []

    RemoteAction.run = run_or_apologise
    _installed = True
