"""verkosto's simulation: organisations and participants building familiarity, trust and
commitment (see docs/ODD.md).
"""

from model.agents import Organisation, OrgKind, Participant, Role, Status, Strength
from model.model import DEFAULT_STEPS, NetworkModel
from model.outcome import Outcome, Phase
from model.params import PARAMETERS, ParameterError, Params

__all__ = ["DEFAULT_STEPS", "PARAMETERS", "NetworkModel", "OrgKind", "Organisation", "Outcome",
           "ParameterError", "Params", "Participant", "Phase", "Role", "Status", "Strength"]
