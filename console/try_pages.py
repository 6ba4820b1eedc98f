"""Console pages for dialog-flow work: try the bot as a test patient on a chosen date, save the conversation
as a flow, and run the flows (all of them or one file) with the report and coverage."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from aiohttp import web

from console import bot_session, flow_export, flow_runs
from console.auth import actor, session_of
from console.pages import problem_view, read_plan_upload
from console.rendering import fail, in_thread, redirect, render, store_of
from console.settings import RUNS, SETTINGS, TRIES
from staff.flows.model import FlowFileError
from staff.flows.runner import RasaError

DEFAULT_AHEAD = timedelta(days=21)
RUN_WAIT_SECONDS = 20  # a run page waits this long for the run to finish before it shows "still running"


def _tries(request: web.Request) -> bot_session.Tries:
    return request.app[TRIES]


def _runs(request: web.Request) -> flow_runs.FlowRuns:
    return request.app[RUNS]


def _text(form, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _my_try(request: web.Request) -> bot_session.TrySession:
    found = _tries(request).get(request.match_info["try_id"], actor(request))
    if found is None:
        raise fail(404, "No such try (tries end when the console restarts). Start a new one.")
    return found


def _start_page(request: web.Request, status: int = 200, **extra) -> web.Response:
    settings = request.app[SETTINGS]
    today = settings.today()
    context = {"fixtures": bot_session.fixtures(settings.fixtures_dir), "today": today,
               "as_of": (today + DEFAULT_AHEAD).isoformat(), "latest": (today + bot_session.LATEST_AS_OF).isoformat(),
               "tries": _tries(request).of(actor(request)), "error": None, "view": None, "chosen": "",
               "source_kind": "fixture", "text": "", "name": ""}
    context.update(extra)
    return render(request, "try_start.html", status=status, **context)


async def try_start_form(request: web.Request) -> web.Response:
    return _start_page(request)


async def try_start(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    today = settings.today()
    form = await request.post()
    kind = _text(form, "source")
    as_of_text = _text(form, "as_of", 20)
    keep = {"source_kind": kind or "fixture", "as_of": as_of_text, "chosen": _text(form, "fixture")}
    try:
        as_of = bot_session.check_as_of(date.fromisoformat(as_of_text), today)
    except ValueError as error:
        message = str(error) if isinstance(error, bot_session.TryError) else \
            f"{as_of_text!r} is not a date: choose one (YYYY-MM-DD)."
        return _start_page(request, 422, error=message, **keep)
    fixture = None
    if kind == "fixture":
        fixture = _text(form, "fixture")
        try:
            text = await in_thread(bot_session.fixture_text, settings.fixtures_dir, fixture)
        except bot_session.TryError as error:
            return _start_page(request, 422, error=str(error), **keep)
        name = fixture
    else:
        try:
            text, name = await read_plan_upload(request, form)
        except web.HTTPUnprocessableEntity as error:
            return _start_page(request, 422, error=error.text, **keep)
        keep.update(text=text if kind == "text" else "", name=name)
    try:
        planfile = bot_session.parse_plan(text, name, today)
    except bot_session.PlanFileError as error:
        problems = tuple(str(p) for p in error.problems)
        return _start_page(request, 422, error=f"The plan {name} has problems; nothing was created.",
                           view=problem_view(problems, name, text), **keep)
    session = await in_thread(bot_session.start, store_of(request), planfile, name, fixture, as_of,
                              actor(request), today)
    _tries(request).add(session)
    return redirect(f"/try/{session.id}")


async def try_page(request: web.Request, status: int = 200, error: str | None = None,
                   message: str = "") -> web.Response:
    session = _my_try(request)
    return render(request, "try_chat.html", status=status, t=session, error=error, message=message,
                  default_name=f"{session.source} as of {session.as_of.isoformat()}",
                  ahead=(session.as_of - session.started_on).days)


async def try_view(request: web.Request) -> web.Response:
    return await try_page(request)


async def try_say(request: web.Request) -> web.Response:
    session = _my_try(request)
    settings = request.app[SETTINGS]
    form = await request.post()
    message = form.get("message")
    message = message if isinstance(message, str) else ""
    try:
        turn = await in_thread(bot_session.say, session, settings.client(), message, settings.issue_token)
    except bot_session.TryError as error:
        return await try_page(request, 422, str(error), message[: bot_session.MAX_MESSAGE])
    except RasaError as error:
        return await try_page(request, 502, f"The bot did not answer: {error}", message[: bot_session.MAX_MESSAGE])
    await in_thread(store_of(request).add_audit, "console_try_message", "try", reference=session.reference,
                    actor=actor(request), detail=f"turn {turn.number} as of {session.as_of.isoformat()}")
    return redirect(f"/try/{session.id}#turn-{turn.number}")


async def try_save(request: web.Request) -> web.Response:
    session = _my_try(request)
    settings = request.app[SETTINGS]
    form = await request.post()
    name = _text(form, "name", flow_export.MAX_NAME)
    try:
        saved = await in_thread(flow_export.save_flow, session, name, settings.flows_dir, actor(request),
                                settings.today())
    except flow_export.ExportError as error:
        detail = "; ".join(error.problems[:5])
        return await try_page(request, 422, f"{error}{' ' + detail if detail else ''}")
    await in_thread(store_of(request).add_audit, "flow_saved", "save", reference=session.reference,
                    actor=actor(request), detail=f"{saved.path.name} ({len(session.turns)} turns)")
    return render(request, "flow_saved.html", saved=saved, t=session,
                  flows_dir=settings.flows_dir.name)


# --- running flows ----------------------------------------------------------------------------------


async def flows_page(request: web.Request, status: int = 200, problems: list[str] | None = None,
                     error: str | None = None) -> web.Response:
    settings = request.app[SETTINGS]
    return render(request, "flows.html", status=status, files=flow_runs.files(settings.flows_dir),
                  flows_dir=settings.flows_dir.name, runs=_runs(request).recent(), problems=problems or [],
                  error=error)


async def flows_view(request: web.Request) -> web.Response:
    return await flows_page(request)


async def flows_run(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    form = await request.post()
    target = _text(form, "file")
    try:
        flows = await in_thread(flow_runs.load, settings.flows_dir, target, settings.today())
    except FlowFileError as error:
        return await flows_page(request, 422, [str(p) for p in error.problems],
                                f"The flow files have {len(error.problems)} problem(s); nothing was run.")
    except ValueError as error:
        return await flows_page(request, 422, error=str(error))
    try:
        run = _runs(request).start(actor(request), flows, target, settings.today())
    except flow_runs.RunsBusy as error:
        raise fail(429, str(error)) from None
    await in_thread(store_of(request).add_audit, "flows_run_started", "run", actor=actor(request),
                    detail=f"{run.label}: {len(flows)} flows")
    session_of(request).flash(f"Running {len(flows)} flow{'' if len(flows) == 1 else 's'} of {run.label}.", "info")
    return redirect(f"/flows/runs/{run.id}")


async def flow_run_view(request: web.Request) -> web.Response:
    run = _runs(request).get(request.match_info["run_id"])
    if run is None:
        raise fail(404, "No such run (runs are kept until the console restarts).")
    if not run.done and run.future is not None:
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(run.future)), RUN_WAIT_SECONDS)
        except asyncio.TimeoutError:
            pass
    return render(request, "flow_run.html", run=run)
