"""Our robot kinds and the action types they declare: the vocabulary shared by server and agent."""

from __future__ import annotations

from enum import Enum

from fleet_protocol.factsheet import ActionParameterSpec, ActionScope, AgvAction, ValueDataType


class RobotKind(str, Enum):
    """What a robot is for; a third-party vehicle of no known kind is `other`."""

    PATROL_DOG = "patrol_dog"
    SANITATION = "sanitation"
    SERVICE = "service"
    OTHER = "other"


# No action declares blockingTypes: the v2.1.0 factsheet schema types that field as an array whose
# value must equal one of the strings NONE/SOFT/HARD, so no factsheet carrying it validates
# (fixed only in later schema versions). The blocking type of each use is in the order anyway.

# Instant actions every conforming vehicle understands (VDA 5050 §6.8 predefined actions).
CANCEL_ORDER = "cancelOrder"
START_PAUSE = "startPause"
STOP_PAUSE = "stopPause"
STATE_REQUEST = "stateRequest"
FACTSHEET_REQUEST = "factsheetRequest"

_S = ValueDataType.STRING
_N = ValueDataType.NUMBER
_I = ValueDataType.INTEGER
_NODE = [ActionScope.NODE]
_NODE_INSTANT = [ActionScope.NODE, ActionScope.INSTANT]


def _param(
    key: str, kind: ValueDataType, description: str, optional: bool = False
) -> ActionParameterSpec:
    return ActionParameterSpec(
        key=key, value_data_type=kind, description=description, is_optional=optional
    )


def _instant(action_type: str, description: str) -> AgvAction:
    return AgvAction(
        action_type=action_type,
        action_description=description,
        action_scopes=[ActionScope.INSTANT],
    )


STANDARD_ACTIONS: tuple[AgvAction, ...] = (
    _instant(CANCEL_ORDER, "Stop and cancel the current order."),
    _instant(START_PAUSE, "Pause driving and actions."),
    _instant(STOP_PAUSE, "Resume after a pause."),
    _instant(STATE_REQUEST, "Publish a state message now."),
    _instant(FACTSHEET_REQUEST, "Publish the factsheet now."),
)

# The values of `clean` mode and `capturePhoto` direction.
CLEAN_MODES = ("sweep", "scrub", "vacuum")
PHOTO_DIRECTIONS = ("front", "left", "right", "back")
# Percent a `charge` without targetLevel charges to.
DEFAULT_CHARGE_TARGET = 95.0

ANNOUNCE = AgvAction(
    action_type="announce",
    action_description="Speak a message through the speaker (synthesised speech).",
    action_scopes=_NODE_INSTANT,
    action_parameters=[
        _param("text", _S, "What to say."),
        _param("language", _S, "zh or en.", optional=True),
        _param("repeat", _I, "How many times to say it (default 1).", optional=True),
    ],
)
CAPTURE_PHOTO = AgvAction(
    action_type="capturePhoto",
    action_description="Take a photo; the resultDescription is the photo's evidence id.",
    action_scopes=_NODE_INSTANT,
    action_parameters=[_param("direction", _S, "front, left, right or back.", optional=True)],
    result_description="Evidence id of the stored photo.",
)
DWELL = AgvAction(
    action_type="dwell",
    action_description="Stand still on the node for a while.",
    action_scopes=_NODE,
    action_parameters=[_param("seconds", _N, "How long to stay.")],
)
CLEAN = AgvAction(
    action_type="clean",
    action_description="Run the cleaning deck while driving the following edges.",
    action_scopes=[ActionScope.NODE, ActionScope.EDGE],
    action_parameters=[_param("mode", _S, "sweep, scrub or vacuum.", optional=True)],
)
DOCK = AgvAction(
    action_type="dock",
    action_description="Dock on the charger at this node.",
    action_scopes=_NODE,
    action_parameters=[
        _param(
            "dockId",
            _S,
            "The dock's id on the site map (default: the dock at the robot's position).",
            optional=True,
        )
    ],
)
CHARGE = AgvAction(
    action_type="charge",
    action_description="Charge until the target level (percent) is reached.",
    action_scopes=_NODE_INSTANT,
    action_parameters=[
        _param("targetLevel", _N, "Percent to charge to (default 95).", optional=True)
    ],
)
GREET = AgvAction(
    action_type="greet",
    action_description="Greet a visitor on the screen and by voice.",
    action_scopes=_NODE_INSTANT,
    action_parameters=[_param("language", _S, "zh or en.", optional=True)],
)
HANDOVER = AgvAction(
    action_type="handover",
    action_description="Hand an item to a recipient and wait for confirmation.",
    action_scopes=_NODE,
    action_parameters=[_param("recipient", _S, "Who receives the item.")],
)

KIND_ACTIONS: dict[RobotKind, tuple[AgvAction, ...]] = {
    RobotKind.PATROL_DOG: (ANNOUNCE, CAPTURE_PHOTO, DWELL, DOCK, CHARGE),
    RobotKind.SANITATION: (CLEAN, DWELL, DOCK, CHARGE),
    RobotKind.SERVICE: (ANNOUNCE, GREET, HANDOVER, DWELL, DOCK, CHARGE),
    RobotKind.OTHER: (),
}


def kind_from_series(series_name: str) -> RobotKind:
    """The kind a factsheet's seriesName names, or OTHER for a vehicle of no kind we know."""
    try:
        return RobotKind(series_name)
    except ValueError:
        return RobotKind.OTHER
