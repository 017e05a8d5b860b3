"""Order acceptance and rejection as VDA 5050 v2.1 §6.6 requires, seen in the executor's state."""

from __future__ import annotations

from fleet_protocol.order import Order
from fleet_protocol.state import ErrorLevel
from robot_agent.acceptance import Capabilities, Held, Verdict, decide
from robot_agent.driver import Pose
from tests.robot_agent.conftest import Robot, errors, idle, references
from tests.robot_agent.messages import MAP, action, instant, order, payload

LINE = [("A", 0.0, 0.0), ("B", 3.0, 0.0), ("C", 6.0, 0.0), ("D", 9.0, 0.0), ("E", 12.0, 0.0)]


async def test_invalid_json_is_a_validation_warning_and_disturbs_nothing(robot: Robot) -> None:
    robot.send_order(order("o1", LINE))
    robot.executor.handle_order(b'{"orderId": "o2", nodes: [')
    [error] = errors(robot.state(), "validationError")
    assert error.error_level is ErrorLevel.WARNING
    assert references(error) == {"topic": "order"}
    done = await robot.until(idle, what="idle")
    assert (done.order_id, done.last_node_id) == ("o1", "E")
    assert errors(done, "validationError"), "the warning stays until a new order is accepted"


async def test_schema_violation_is_a_validation_warning_naming_the_order(robot: Robot) -> None:
    message = order("o1", LINE)
    message["nodes"][1]["sequenceId"] = "two"
    robot.send_order(message)
    state = robot.state()
    [error] = errors(state, "validationError")
    assert references(error) == {
        "topic": "order",
        "headerId": str(message["headerId"]),
        "orderId": "o1",
        "orderUpdateId": "0",
    }
    assert "sequenceId" in (error.error_description or "")
    assert (state.order_id, state.node_states) == ("", [])


async def test_structurally_broken_order_is_a_validation_warning(robot: Robot) -> None:
    message = order("o1", LINE)
    message["edges"].pop()  # one edge fewer than nodes - 1
    robot.send_order(message)
    assert errors(robot.state(), "validationError")
    assert robot.state().order_id == ""


async def test_malformed_instant_actions_is_a_validation_warning(robot: Robot) -> None:
    robot.executor.handle_instant_actions(b"[1, 2, 3]")
    [error] = errors(robot.state(), "validationError")
    assert references(error) == {"topic": "instantActions"}


async def test_lower_order_update_id_is_an_order_update_error(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, update_id=3))
    robot.send_order(order("o1", LINE[2:], update_id=1, first_sequence_id=4))
    [error] = errors(robot.state(), "orderUpdateError")
    assert error.error_level is ErrorLevel.WARNING
    assert references(error)["orderUpdateId"] == "1"
    done = await robot.until(idle, what="idle")
    assert (done.order_update_id, done.last_node_id) == (3, "E")


async def test_same_order_update_is_ignored(robot: Robot) -> None:
    message = order("o1", LINE[:3], node_actions={"C": [action("capturePhoto", "p1")]})
    robot.send_order(message)
    robot.send_order(message)
    state = robot.state()
    assert state.errors == []
    assert [a.action_id for a in state.action_states] == ["p1"]
    assert (await robot.until(idle)).last_node_id == "C"


async def test_update_not_starting_at_the_decision_point_is_an_order_update_error(
    robot: Robot,
) -> None:
    robot.send_order(order("o1", LINE, released=3))
    robot.send_order(order("o1", LINE[1:], update_id=1, first_sequence_id=2))  # starts at B
    [error] = errors(robot.state(), "orderUpdateError")
    assert references(error)["nodeId"] == "B"
    waiting = await robot.until(lambda s: s.last_node_id == "C" and not s.driving)
    assert waiting.order_update_id == 0
    assert [n.node_id for n in waiting.node_states] == ["D", "E"]


async def test_update_of_a_completed_order_must_continue_from_the_last_node(robot: Robot) -> None:
    robot.send_order(order("o1", LINE[:3]))
    await robot.until(idle)
    robot.send_order(order("o1", LINE[1:], update_id=1, first_sequence_id=2))
    assert errors(robot.state(), "orderUpdateError")
    robot.send_order(order("o1", LINE[2:], update_id=2, first_sequence_id=4))
    done = await robot.until(lambda s: idle(s) and s.last_node_id == "E")
    assert (done.order_update_id, done.last_node_sequence_id) == (2, 8)


async def test_new_order_while_one_is_active_is_refused(robot: Robot) -> None:
    robot.send_order(order("o1", LINE))
    robot.send_order(order("o2", LINE[:2]))
    [error] = errors(robot.state(), "orderUpdateError")
    assert references(error)["orderId"] == "o2"
    done = await robot.until(idle)
    assert (done.order_id, done.last_node_id) == ("o1", "E")


async def test_unreachable_first_node_is_an_order_error(robot: Robot) -> None:
    robot.send_order(order("o1", [("F", 50.0, 0.0), ("G", 53.0, 0.0)]))
    state = robot.state()
    [error] = errors(state, "orderError")
    assert references(error)["nodeId"] == "F"
    assert (state.order_id, state.node_states, state.driving) == ("", [], False)


async def test_first_node_within_its_deviation_range_is_reachable(robot: Robot) -> None:
    robot.send_order(order("o1", [("F", 5.0, 0.0), ("G", 8.0, 0.0)], deviation=6.0))
    done = await robot.until(idle)
    assert (done.order_id, done.last_node_id, done.errors) == ("o1", "G", [])


async def test_unsupported_action_is_an_order_error(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, node_actions={"C": [action("fly", "a1")]}))
    [error] = errors(robot.state(), "orderError")
    assert references(error) | {"headerId": ""} == {
        "topic": "order",
        "headerId": "",
        "orderId": "o1",
        "orderUpdateId": "0",
        "nodeId": "C",
        "actionId": "a1",
        "actionType": "fly",
    }
    assert robot.state().order_id == ""


async def test_action_of_another_kind_on_an_edge_is_an_order_error(robot: Robot) -> None:
    # A patrol dog has no cleaning deck, and `capturePhoto` is not declared for edges.
    for edge_action in (action("clean", "c1", "NONE"), action("capturePhoto", "c2")):
        robot.send_order(order("o1", LINE[:2], edge_actions={"A-B": [edge_action]}))
        error = errors(robot.state(), "orderError")[-1]
        assert references(error)["actionId"] == edge_action["actionId"]
        assert references(error)["edgeId"] == "A-B"


async def test_order_on_another_map_is_an_order_error(robot: Robot) -> None:
    robot.send_order(order("o1", LINE, map_id="other-site"))
    [error] = errors(robot.state(), "orderError")
    assert references(error)["mapId"] == "other-site"


async def test_corridor_is_an_order_error(robot: Robot) -> None:
    message = order("o1", LINE)
    message["edges"][0]["corridor"] = {"leftWidth": 1.0, "rightWidth": 1.0}
    robot.send_order(message)
    [error] = errors(robot.state(), "orderError")
    assert references(error)["field"] == "edge.corridor"


async def test_warnings_are_kept_until_a_new_order_is_accepted(robot: Robot) -> None:
    robot.executor.handle_order(b"nonsense")
    robot.send_order(order("o1", [("F", 50.0, 0.0)]))
    robot.send_instant(instant(action("cancelOrder", "c1")))
    assert {e.error_type for e in robot.state().errors} == {
        "validationError",
        "orderError",
        "noOrderToCancel",
    }
    robot.send_order(order("o2", LINE[:2]))
    assert robot.state().errors == []


def test_decide_follows_figure_8() -> None:
    caps = Capabilities(frozenset(), frozenset(), MAP)
    here = Pose(0.0, 0.0, 0.0, MAP)
    first = Order.model_validate_json(payload(order("o1", LINE, released=3)))
    update = Order.model_validate_json(
        payload(order("o1", LINE[2:], update_id=1, first_sequence_id=4))
    )
    fresh = Held("", 0, active=False, closed=False, decision_point=None, last_node=("", 0))
    busy = Held("o1", 0, active=True, closed=False, decision_point=("C", 4), last_node=("B", 2))
    done = Held("o1", 0, active=False, closed=False, decision_point=("C", 4), last_node=("C", 4))
    cancelled = Held(
        "o1", 0, active=False, closed=True, decision_point=("C", 4), last_node=("B", 2)
    )
    assert decide(first, fresh, here, caps) is Verdict.NEW
    assert decide(first, busy, here, caps) is Verdict.IGNORE
    assert decide(update, busy, here, caps) is Verdict.UPDATE
    assert decide(update, done, here, caps) is Verdict.UPDATE
    rejected = decide(update, cancelled, here, caps)
    assert not isinstance(rejected, Verdict) and rejected.error_type == "orderUpdateError"
