"""Running a coroutine from a synchronous test."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_async(coroutine):
    """Run a coroutine on its own loop in a worker thread: other tests (Playwright's sync API) may leave
    an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
