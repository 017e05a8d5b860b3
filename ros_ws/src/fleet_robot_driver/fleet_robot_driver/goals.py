"""Running one action goal to its end, so that an agent's cancel always reaches the server.

Cancellation is asyncio cancellation of the awaiting task (the Driver protocol's rule). A goal
that the server accepts after the task stopped waiting would still move the robot, so a cancel
that comes while the goal is being sent waits for the server's answer and cancels what it
accepted; a cancel while the goal runs is passed on as a goal cancel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from fleet_robot_driver.port import ActionGoal, GoalOutcome, GoalRejected

log = logging.getLogger(__name__)

# How long a cancel waits for the server to answer (seconds).
CANCEL_TIMEOUT = 5.0


async def run_goal(sending: Awaitable[ActionGoal], what: str) -> GoalOutcome:
    """Send a goal and wait for its outcome; GoalRejected if refused; cancels pass to the server."""
    pending = asyncio.ensure_future(sending)
    try:
        goal = await asyncio.shield(pending)
    except asyncio.CancelledError:
        await _cancel_late(pending, what)
        raise
    try:
        return await goal.result()
    except asyncio.CancelledError:
        await _cancel(goal, what)
        raise


async def _cancel_late(pending: asyncio.Future[ActionGoal], what: str) -> None:
    """Cancel a goal whose acceptance we stopped waiting for, once the server has answered."""
    try:
        goal = await asyncio.wait_for(pending, CANCEL_TIMEOUT)
    except (GoalRejected, asyncio.TimeoutError):
        return  # refused, or no answer: nothing runs that we could cancel
    await _cancel(goal, what)


async def _cancel(goal: ActionGoal, what: str) -> None:
    try:
        await asyncio.wait_for(goal.cancel(), CANCEL_TIMEOUT)
    except asyncio.TimeoutError:
        log.warning("%s: no answer to the cancel within %.0f s", what, CANCEL_TIMEOUT)
    except Exception:  # the robot must still stop waiting: log and carry on cancelling
        log.exception("%s: cancelling the goal failed", what)
    else:
        log.info("%s: goal cancelled", what)

